using System.CommandLine;
using System.Text.Json.Nodes;
using Pipeline.Core.IO;
using Pipeline.Core.Scoring;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline score --spec FILE --input groups.jsonl</c>: the reward stage offline. Each input line is one group
/// <c>{"gold", "responses": [{"text", "length", "finished"}], "step"?}</c>; each output line adds the arrays
/// <c>correct</c>, <c>extracted</c>, <c>reward</c>, <c>mask</c> and <c>advantage</c>, computed with the spec's
/// verifier, shaping, mask and algorithm.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var spec = new Option<string>("--spec") { Description = "Experiment YAML file", Required = true };
        var input = new Option<string>("--input") { Description = "JSONL file, one group per line", Required = true };
        var output = new Option<string?>("--output") { Description = "Write results here instead of standard output" };
        var step = new Option<int>("--step") { Description = "Training step for scheduled rewards (a line's \"step\" wins)", DefaultValueFactory = _ => 0 };
        var command = new Command("score", "Score groups of responses offline with a spec's reward stage") { spec, input, output, step };
        command.SetAction(parse =>
        {
            var specPath = parse.GetValue(spec)!;
            if (SpecFile.LoadOrReport(specPath, Console.Error) is not { } document) return 1;
            var scorer = new GroupScorer(document.Spec);
            var defaultStep = parse.GetValue(step);
            return JsonlCommand.Run(parse.GetValue(input)!, parse.GetValue(output), row => Score(scorer, row, defaultStep));
        });
        return command;
    }

    private static JsonObject Score(GroupScorer scorer, JsonObject row, int defaultStep)
    {
        var gold = JsonLines.GetText(row, "gold");
        var step = row.ContainsKey("step") ? JsonLines.GetInt(row, "step") : defaultStep;
        var responses = JsonLines.GetArray(row, "responses").Select((node, i) => ReadResponse(node, i)).ToList();
        if (responses.Count == 0) throw new FormatException("field 'responses' must hold at least one response");
        var scored = scorer.Score(gold, responses, step);
        var result = row.DeepClone().AsObject();
        result["correct"] = new JsonArray([.. scored.Correct.Select(c => (JsonNode?)c)]);
        result["extracted"] = new JsonArray([.. scored.Extracted.Select(e => (JsonNode?)e)]);
        result["reward"] = new JsonArray([.. scored.Rewards.Select(r => (JsonNode?)r)]);
        result["mask"] = new JsonArray([.. scored.LossMask.Select(m => (JsonNode?)m)]);
        result["advantage"] = new JsonArray([.. scored.Advantages.Select(a => (JsonNode?)a)]);
        return result;
    }

    private static ResponseToScore ReadResponse(JsonNode? node, int index)
    {
        if (node is not JsonObject obj) throw new FormatException($"responses[{index}] must be an object");
        try
        {
            var length = JsonLines.GetInt(obj, "length");
            if (length < 0) throw new FormatException($"field 'length' must be ≥ 0, got {length}");
            return new ResponseToScore(JsonLines.GetText(obj, "text"), length, JsonLines.GetBool(obj, "finished", fallback: true));
        }
        catch (FormatException e)
        {
            throw new FormatException($"responses[{index}]: {e.Message}");
        }
    }
}
