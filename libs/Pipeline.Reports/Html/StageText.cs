using System.Globalization;
using Pipeline.Reports.Figures;
using Pipeline.Reports.Runs;

namespace Pipeline.Reports.Html;

/// <summary>The detected stage boundary of a run in words, with what accuracy and entropy did in each stage.</summary>
internal static class StageText
{
    public static string Describe(ReportRun run)
    {
        var metrics = run.Folder.Metrics;
        var withLength = metrics.Where(m => m[MetricNames.MeanLength] is not null).ToList();
        if (withLength.Count < StageDetector.MinimumSteps)
            return string.Create(CultureInfo.InvariantCulture, $"No stage boundary detected: {withLength.Count} steps have a mean length, and the detector needs at least {StageDetector.MinimumSteps}.");
        if (run.Boundary is not { } b)
        {
            var quarter = Math.Max(2, (withLength.Count + 3) / 4);
            var start = withLength[0];
            var end = withLength.Skip(withLength.Count - quarter).Average(m => m[MetricNames.MeanLength]!.Value);
            return string.Create(CultureInfo.InvariantCulture, $"No stage boundary detected: the mean rollout length did not settle on a plateau at least {StageDetector.MinimumDrop:0%} below its peak (step {start.Step}: {start[MetricNames.MeanLength]:F1} tokens; mean of the last {quarter} steps: {end:F1} tokens). Either the length did not fall (no length adaptation) or it is still falling.");
        }
        var first = metrics[0].Step;
        var (adaptation, refinement) = (metrics.Where(m => m.Step < b.Step).ToList(), metrics.Where(m => m.Step >= b.Step).ToList());
        var sentence = string.Create(CultureInfo.InvariantCulture, $"Length adaptation: steps {first}–{adaptation[^1].Step}. The smoothed mean rollout length fell from {b.StartLength:F1} to a plateau of {b.PlateauLength:F1} tokens ({b.RelativeChange:+0.0%;-0.0%}). Reasoning refinement: from step {b.Step} on, where less than {StageDetector.Tolerance:0%} of that fall remains.");
        var accuracy = Mean(adaptation, MetricNames.Accuracy) is { } a1 && Mean(refinement, MetricNames.Accuracy) is { } a2
            ? string.Create(CultureInfo.InvariantCulture, $" Mean training accuracy: {a1:0.0%} during adaptation, {a2:0.0%} during refinement.")
            : "";
        var entropy = metrics[0][MetricNames.Entropy] is { } e0 && refinement[0][MetricNames.Entropy] is { } eb && metrics[^1][MetricNames.Entropy] is { } e1
            ? string.Create(CultureInfo.InvariantCulture, $" Entropy: {e0:F3} at step {first}, {eb:F3} at the boundary, {e1:F3} at step {metrics[^1].Step}.")
            : "";
        return sentence + accuracy + entropy;
    }

    private static double? Mean(IReadOnlyList<TrainingStep> steps, string metric)
    {
        var values = steps.Select(s => s[metric]).OfType<double>().ToList();
        return values.Count == 0 ? null : values.Average();
    }

}
