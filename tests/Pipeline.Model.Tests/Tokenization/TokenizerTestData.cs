// Reads ../shared/data (through RepoPaths) and builds the real
// Qwen3 tokenizer.json from the shared pieces, the way the published file is laid out: every field of
// tokenizer_json_meta.json (normaliser, split regex, ByteLevel, added tokens) with model.vocab from
// vocab.json and model.merges from merges.txt as ["a","b"] pairs (as the npm copy of the real file has).
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Model.Tests.Tokenization;

internal static class TokenizerTestData
{
    /// <summary>A file under ../shared/data; a missing one fails the test with the path it looked at.</summary>
    public static string SharedData(string relative) => RepoPaths.SharedData(relative);

    public static IEnumerable<JsonElement> ReadJsonLines(string path) =>
        File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone());

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>Writes Qwen3's tokenizer.json and tokenizer_config.json into <paramref name="folder"/>.</summary>
    public static void WriteQwenFolder(string folder)
    {
        var meta = JsonNode.Parse(File.ReadAllText(SharedData("qwen_tokenizer/tokenizer_json_meta.json")))!.AsObject();
        meta.Remove("_provenance");
        var model = meta["model"]!.AsObject();
        model.Remove("vocab_count");
        model.Remove("merges_count");
        model["vocab"] = JsonNode.Parse(File.ReadAllText(SharedData("qwen_tokenizer/vocab.json")));
        var merges = new JsonArray();
        foreach (var line in File.ReadLines(SharedData("qwen_tokenizer/merges.txt")))
        {
            if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ');
            merges.Add(new JsonArray(parts[0], parts[1]));
        }
        model["merges"] = merges;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), meta.ToJsonString());
        File.Copy(SharedData("qwen_tokenizer/tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"), overwrite: true);
    }

    public static string NewTempFolder(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
