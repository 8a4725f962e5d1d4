using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Core.IO;
using Pipeline.Core.Rewards;

namespace Pipeline.Reports.Runs;

/// <summary>
/// The per-sample results of one evaluation (<c>eval/step-N-SET.json</c>, the serialized
/// <c>Pipeline.Workers.Evaluation.EvaluationReport</c>): every sample of every problem, generated once at the largest
/// budget, as its length, whether it finished and whether it was correct. Only those fields are read, so the file may
/// grow other fields without breaking reports.
/// </summary>
public sealed record EvalSamples(int Step, string Dataset, IReadOnlyList<ResponseOutcome> Samples)
{
    /// <summary>Reads the file; throws <see cref="InvalidDataException"/> naming the file and the field that is wrong.</summary>
    public static EvalSamples Load(string path, int step, string dataset)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {e.Message}", e);
        }
        try
        {
            var problems = root is JsonObject obj ? JsonLines.GetArray(obj, "PerProblem") : throw new FormatException("expected a JSON object");
            var samples = new List<ResponseOutcome>();
            for (var p = 0; p < problems.Count; p++)
            {
                var problem = problems[p] as JsonObject ?? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"PerProblem[{p}] must be an object"));
                var list = JsonLines.GetArray(problem, "Samples");
                for (var s = 0; s < list.Count; s++)
                {
                    var sample = list[s] as JsonObject ?? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"PerProblem[{p}].Samples[{s}] must be an object"));
                    samples.Add(ReadSample(sample, string.Create(CultureInfo.InvariantCulture, $"PerProblem[{p}].Samples[{s}]")));
                }
            }
            return new EvalSamples(step, dataset, samples);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static ResponseOutcome ReadSample(JsonObject sample, string where)
    {
        try
        {
            return new ResponseOutcome(JsonLines.GetBool(sample, "Correct"), JsonLines.GetInt(sample, "Length"), JsonLines.GetBool(sample, "Finished"));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{where}: {e.Message}", e);
        }
    }
}
