// Agreement with the graders of other RL/eval libraries on the shared verifier tables (see
// VerifierCaseExclusions for which rows apply). Needs ../shared/data; fails with the path when it is missing.
// Each run prints the agreement, the exclusions by reason and every disagreeing row, and writes the same
// summary to verifier-agreement.md beside the test assembly.
using System.Text;
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;
using Xunit.Abstractions;

namespace Pipeline.Core.Tests.Verifiers;

public sealed class VerifierCasesDataTests(ITestOutputHelper output)
{
    private const double RequiredAgreement = 0.95;

    [Fact]
    public void Verify_SharedVerifierCases_AgreeWithGradersOnApplicableRows()
    {
        var rows = VerifierTestData.VerifierCases();
        var verifier = VerifierRegistry.Create(VerifierKind.Math);
        var excluded = rows.Select(r => (Row: r, Reason: VerifierCaseExclusions.ReasonFor(r))).Where(x => x.Reason is not null).ToList();
        var applicable = rows.Where(r => VerifierCaseExclusions.ReasonFor(r) is null).ToList();
        var disagreements = applicable.Where(r => Judge(verifier, r) != r.Equal).ToList();
        var agreement = 1.0 - (double)disagreements.Count / applicable.Count;

        var summary = Summary(rows.Count, applicable.Count, agreement, excluded, disagreements);
        output.WriteLine(summary);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "verifier-agreement.md"), summary);

        Assert.Equal(469, rows.Count);
        Assert.True(agreement >= RequiredAgreement,
            $"agreement {agreement:P1} on {applicable.Count} applicable rows is below {RequiredAgreement:P0}; disagreeing ids: {string.Join(", ", disagreements.Select(d => d.Id))}");
    }

    [Fact]
    public void Extract_SharedExtractionCases_AgreeOnApplicableRows()
    {
        var rows = VerifierTestData.ExtractionCases();
        var applicable = rows.Where(r => VerifierCaseExclusions.ReasonFor(r) is null).ToList();
        var disagreements = applicable.Where(r => ExtractOrCanonicalize(r) != r.Expected).ToList();
        foreach (var row in disagreements) output.WriteLine($"row {row.Id}: expected '{row.Expected}', got '{ExtractOrCanonicalize(row)}'");
        output.WriteLine($"answer extraction: {applicable.Count - disagreements.Count}/{applicable.Count} applicable rows agree ({rows.Count - applicable.Count} excluded: last-number fallback)");

        Assert.Equal(20, rows.Count);
        Assert.Empty(disagreements);
    }

    /// <summary>gold_list rows (rllm) accept any of the listed golds.</summary>
    private static bool Judge(IVerifier verifier, VerifierCase row) =>
        (row.GoldList ?? [row.Gold]).Any(gold => verifier.Verify(row.Output, gold).Correct);

    /// <summary>Rows from verl test its integer canonicalisation, the others answer extraction.</summary>
    private static string? ExtractOrCanonicalize(ExtractionCase row) =>
        row.Function.StartsWith("verl", StringComparison.Ordinal)
            ? LatexNormalizer.CanonicalizeInteger(row.Input)
            : AnswerExtractor.Extract(row.Input);

    private static string Summary(
        int total, int applicable, double agreement,
        List<(VerifierCase Row, string? Reason)> excluded, List<VerifierCase> disagreements)
    {
        var sb = new StringBuilder();
        sb.AppendLine("### Math verifier vs. shared verifier_cases.jsonl").AppendLine();
        sb.AppendLine("| rows | excluded | applicable | agree | agreement |").AppendLine("|---|---|---|---|---|");
        sb.AppendLine($"| {total} | {excluded.Count} | {applicable} | {applicable - disagreements.Count} | {agreement:P1} |").AppendLine();
        sb.AppendLine("| excluded because | rows |").AppendLine("|---|---|");
        foreach (var group in excluded.GroupBy(x => x.Reason).OrderByDescending(g => g.Count()))
        {
            sb.AppendLine($"| {group.Key} | {group.Count()} ({string.Join(", ", group.Select(x => x.Row.Id))}) |");
        }
        sb.AppendLine().AppendLine("Disagreeing applicable rows:").AppendLine();
        foreach (var row in disagreements)
        {
            sb.AppendLine($"- {row.Id} ({row.Grader.Split(' ')[0]}): expected {row.Equal}; output `{Clip(row.Output)}` gold `{Clip(row.Gold)}`");
        }
        return sb.ToString();
    }

    private static string Clip(string s)
    {
        s = s.Replace("\n", " ", StringComparison.Ordinal);
        return s.Length <= 80 ? s : s[..40] + " … " + s[^37..];
    }
}
