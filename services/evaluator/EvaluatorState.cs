using Pipeline.Contracts.V1;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Services.Evaluator;

/// <summary>
/// What the bus loop and the gRPC calls share: the worker (created by the loop), one turn at a time on the model,
/// and the results published so far.
/// </summary>
public sealed class EvaluatorState
{
    private readonly List<EvalResult> _results = [];

    /// <summary>Held by whoever evaluates: the loop or a direct call.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);

    public EvaluatorWorker? Worker { get; set; }

    public void Add(EvalResult result)
    {
        lock (_results) _results.Add(result);
    }

    public IReadOnlyList<EvalResult> Results(string? dataset)
    {
        lock (_results) return _results.Where(r => string.IsNullOrEmpty(dataset) || r.Dataset == dataset).Select(r => r.Clone()).ToList();
    }
}
