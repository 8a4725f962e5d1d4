// Parity with the HF Rust tokenizers (Tokenizers.DotNet) loading the same Qwen3 tokenizer.json:
// hundreds of varied strings plus real benchmark problems must give identical ids, and random id
// sequences must decode to identical text (the oracle drops special tokens, so we skip them too).
using System.Text.Json;

namespace Pipeline.Model.Tests.Tokenization;

[Collection(QwenTokenizerCollection.Name)]
public class OracleParityTests(QwenTokenizerFixture fixture)
{
    [Fact]
    public void Encode_VariedStrings_MatchesHfTokenizers()
    {
        var texts = OracleStrings.Generate(count: 400, seed: 20260214);

        var failures = Mismatches(texts);

        Assert.True(failures.Count == 0, $"{failures.Count} of {texts.Count} differ:\n{string.Join("\n", failures.Take(20))}");
    }

    [Fact]
    public void Encode_BenchmarkProblems_MatchesHfTokenizers()
    {
        var texts = new List<string>();
        foreach (var (file, take) in new[] { ("math500_test.jsonl", 150), ("gsm8k_test.jsonl", 100), ("aime2025.jsonl", 30) })
            foreach (var row in TokenizerTestData.ReadJsonLines(TokenizerTestData.SharedData(file)).Take(take))
            {
                texts.Add(row.GetProperty("problem").GetString()!);
                if (row.TryGetProperty("solution", out var solution) && solution.ValueKind == JsonValueKind.String) texts.Add(solution.GetString()!);
            }

        var failures = Mismatches(texts);

        Assert.True(texts.Count >= 300, $"only {texts.Count} benchmark texts");
        Assert.True(failures.Count == 0, $"{failures.Count} of {texts.Count} differ:\n{string.Join("\n", failures.Take(20))}");
    }

    [Fact]
    public void Decode_RandomIdSequences_MatchesHfTokenizers()
    {
        var random = new Random(7);
        var failures = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var ids = Enumerable.Range(0, random.Next(1, 16))
                .Select(_ => random.Next(10) == 0 ? random.Next(151643, 151669) : random.Next(0, 151643))
                .ToArray();
            var expected = fixture.OracleDecode(ids);
            var actual = fixture.Tokenizer.Decode(ids, skipSpecialTokens: true);
            if (actual != expected) failures.Add($"[{string.Join(",", ids)}]: expected {JsonSerializer.Serialize(expected)} got {JsonSerializer.Serialize(actual)}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    private List<string> Mismatches(IEnumerable<string> texts)
    {
        var failures = new List<string>();
        foreach (var text in texts)
        {
            var expected = fixture.OracleEncode(text);
            var actual = fixture.Tokenizer.Encode(text);
            if (!actual.SequenceEqual(expected))
                failures.Add($"{JsonSerializer.Serialize(text)}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
        }
        return failures;
    }
}
