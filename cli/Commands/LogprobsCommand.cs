using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Model;
using Pipeline.Model.Scoring;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline logprobs --model DIR (--ids 1,2,3 | --text "...")</c>: prints <c>{"logprobs": [...]}</c>, the
/// log-probabilities log p(t_i | t_&lt;i) for i = 1..n−1 of the given sequence under the model.
/// </summary>
internal static class LogprobsCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "HF model folder", Required = true };
        var ids = new Option<string?>("--ids") { Description = "Comma-separated token ids" };
        var text = new Option<string?>("--text") { Description = "Text to tokenise (special tokens such as <|im_start|> are recognised)" };
        var command = new Command("logprobs", "Per-token log-probabilities of a sequence") { model, ids, text };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(ids), parse.GetValue(text)));
        return command;
    }

    private static int Run(string folder, string? ids, string? text)
    {
        if ((ids is null) == (text is null))
        {
            Console.Error.WriteLine("give exactly one of --ids or --text");
            return 2;
        }
        using var loaded = ModelFolder.Load(folder);
        int[] tokens;
        try
        {
            tokens = ids is not null ? ParseIds(ids) : [.. loaded.Tokenizer.Encode(text!)];
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"--ids: {e.Message}");
            return 2;
        }
        if (tokens.Length < 2)
        {
            Console.Error.WriteLine($"need at least 2 tokens to score, got {tokens.Length}");
            return 2;
        }
        float[] logprobs;
        try
        {
            logprobs = TokenScorer.LogProbs(loaded.Model, [tokens])[0];
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var json = new JsonObject
        {
            ["tokens"] = new JsonArray([.. tokens.Select(t => (JsonNode?)t)]),
            ["logprobs"] = new JsonArray([.. logprobs.Select(l => (JsonNode?)l)]),
        };
        Console.WriteLine(json.ToJsonString());
        return 0;
    }

    private static int[] ParseIds(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new FormatException($"'{s}' is not a token id"))
            .ToArray();
}
