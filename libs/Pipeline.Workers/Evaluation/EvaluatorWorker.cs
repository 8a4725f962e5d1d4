using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Core.Evaluation;
using Pipeline.Model.Qwen3;
using Pipeline.Workers.Policy;

namespace Pipeline.Workers.Evaluation;

/// <summary>
/// The evaluator stage: follows the <c>policy</c> topic and, for each version whose step is due (step 0, every
/// <c>evaluation.every</c> steps, and the last step), loads it into its own model and runs the budget sweep on every
/// evaluation set, publishing one <see cref="EvalResult"/> per set on the <c>eval</c> topic. Full reports (per-problem
/// samples) are kept in <see cref="Reports"/> for the host to store.
/// </summary>
public sealed class EvaluatorWorker : IDisposable
{
    private readonly Qwen3ForCausalLM _model;
    private readonly BudgetEvaluator _evaluator;
    private readonly IPolicyStore _policies;
    private readonly IReadOnlyList<EvalSet> _sets;
    private readonly EvaluationOptions _options;
    private readonly Func<int, bool> _isDue;
    private readonly IConsumer<PolicyVersion> _policyUpdates;
    private readonly IProducer<EvalResult> _results;
    private readonly HashSet<long> _evaluated = [];
    private readonly Dictionary<long, PolicyVersion> _announced = [];

    public EvaluatorWorker(IMessageBus bus, Qwen3ForCausalLM model, BudgetEvaluator evaluator, IPolicyStore policies,
        IReadOnlyList<EvalSet> sets, EvaluationOptions options, Func<int, bool> isDue)
    {
        (_model, _evaluator, _policies, _sets, _options, _isDue) = (model, evaluator, policies, sets, options, isDue);
        _policyUpdates = bus.Consumer(Topics.Policy, "evaluator");
        _results = bus.Producer(Topics.Eval);
    }

    /// <summary>Reports produced so far, in order (step, then set).</summary>
    public List<(int Step, long Version, EvaluationReport Report)> Reports { get; } = [];

    /// <summary>The evaluation sets of the spec.</summary>
    public int SetCount => _sets.Count;

    /// <summary>Every announcement seen, by version (the newest announcement of a version wins).</summary>
    public IReadOnlyDictionary<long, PolicyVersion> Announced => _announced;

    /// <summary>Told the seconds each weight load took (metrics).</summary>
    public Action<double>? WeightSyncSeconds { get; init; }

    /// <summary>Told the seconds each set's sweep took (metrics).</summary>
    public Action<EvaluationReport, double>? Evaluated { get; init; }

    /// <summary>Evaluates every due version announced so far; returns the reports it produced.</summary>
    public async Task<IReadOnlyList<(int Step, long Version, EvaluationReport Report)>> ProcessAvailableAsync(
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var produced = new List<(int, long, EvaluationReport)>();
        while (await _policyUpdates.ConsumeAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false) is { } delivery)
        {
            var version = delivery.Message;
            _announced[version.Version] = version;
            if (_isDue(version.Step) && _evaluated.Add(version.Version))
            {
                foreach (var (set, report) in Evaluate(version, null, progress))
                {
                    produced.Add((version.Step, version.Version, report));
                    await _results.ProduceAsync(version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ToMessage(version, report), cancellationToken).ConfigureAwait(false);
                }
            }
            _policyUpdates.Commit(delivery);
        }
        Reports.AddRange(produced);
        return produced;
    }

    /// <summary>
    /// Loads <paramref name="version"/> and sweeps the budgets on <paramref name="dataset"/> (null: every set), without
    /// publishing: a direct request (gRPC Evaluate). The caller makes sure no other evaluation runs meanwhile.
    /// </summary>
    /// <exception cref="ArgumentException">No evaluation set has that name.</exception>
    public IReadOnlyList<(EvalSet Set, EvaluationReport Report)> Evaluate(PolicyVersion version, string? dataset, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        var sets = dataset is null ? _sets : _sets.Where(s => s.Name == dataset).ToList();
        if (sets.Count == 0)
            throw new ArgumentException($"no evaluation set is named '{dataset}' (the spec has: {string.Join(", ", _sets.Select(s => s.Name))})", nameof(dataset));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        _policies.LoadInto(version, _model);
        WeightSyncSeconds?.Invoke(watch.Elapsed.TotalSeconds);
        var reports = new List<(EvalSet, EvaluationReport)>();
        foreach (var set in sets)
        {
            progress?.Report($"evaluating step {version.Step} on {set.Name} ({set.Problems.Count} problems × {_options.Samples} samples)");
            watch.Restart();
            var report = _evaluator.Evaluate(set.Name, set.Problems, _options);
            Evaluated?.Invoke(report, watch.Elapsed.TotalSeconds);
            reports.Add((set, report));
        }
        return reports;
    }

    public static EvalResult ToMessage(PolicyVersion version, EvaluationReport report)
    {
        var message = new EvalResult
        {
            Experiment = version.Experiment, PolicyVersion = version.Version, Step = version.Step, Dataset = report.Dataset,
            Problems = report.Problems, Samples = report.SamplesPerProblem,
        };
        message.Budgets.AddRange(report.Budgets.Select(ToMessage));
        return message;
    }

    private static BudgetMetrics ToMessage(BudgetResult b)
    {
        var m = new BudgetMetrics { Budget = b.Budget };
        if (b.MeanAtK is { } mean) m.MeanAtK = mean;
        if (b.PassAtK is { } pass) m.PassAtK = pass;
        if (b.TruncationRate is { } truncation) m.TruncationRate = truncation;
        if (b.Lengths.Overall.Mean is { } length) m.MeanLength = length;
        if (b.Lengths.Correct.Mean is { } correct) m.MeanLengthCorrect = correct;
        if (b.Lengths.Incorrect.Mean is { } incorrect) m.MeanLengthIncorrect = incorrect;
        if (b.Lengths.Overall.Median is { } median) m.MedianLength = median;
        if (b.Lengths.Overall.P90 is { } p90) m.P90Length = p90;
        return m;
    }

    public void Dispose() => _policyUpdates.Dispose();
}
