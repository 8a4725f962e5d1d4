using System.Text.Json;
using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Core.Verifiers;
using Pipeline.Model;
using Pipeline.Model.Qwen3;
using Pipeline.Workers.Evaluation;
using Pipeline.Workers.Policy;

namespace Pipeline.Workers.Embedded;

/// <summary>
/// The embedded host: the four workers in one process over the in-memory bus, pumped in a fixed order (learner
/// issues prompts → rollout → reward → learner trains → evaluator), which makes a run deterministic for its seed and
/// a resumed run see exactly the data an uninterrupted one would. Writes the run folder (<see cref="RunDirectory"/>).
/// </summary>
public sealed class EmbeddedExperiment(RunSetup setup, IRunObserver observer, Func<Qwen3ForCausalLM, ExperimentSpec, IPolicyTrainer> trainerFactory)
{
    private ExperimentSpec Spec => setup.Spec;
    private RunDirectory Run => setup.Run;

    public async Task<RunResult> RunAsync(bool resume, CancellationToken cancellationToken = default)
    {
        // The trainer first: a KL reference is copied from the policy's initial weights, before a checkpoint loads.
        var trainer = trainerFactory(setup.Model.Model, Spec);
        var startStep = resume ? Resume() : 0;
        var template = Spec.Data.Train.PromptTemplate is { } t ? new PromptTemplate(t) : PromptTemplate.Math;
        var prompting = new Prompting(setup.Model.Tokenizer, template);
        var verifier = VerifierRegistry.Create(Spec.Reward.Verifier);
        var bus = new InMemoryBus();
        using var store = new InMemoryPolicyStore();
        using var rolloutModel = Clone(setup.Model.Model);
        using var evalModel = Clone(setup.Model.Model);
        var eos = setup.Model.EosTokenIds;

        var prompts = resume ? LoadPrompts() : FilterPrompts(new BudgetEvaluator(rolloutModel, prompting, eos, verifier));
        var state = resume ? LoadCheckpointState(startStep, trainer) : LearnerState.Initial;
        using var learner = new LearnerWorker(bus, store, setup.Model.Model, trainer, new PromptOrder(prompts, Spec.Seed, state.Cursor),
            prompting, LearnerWorkerOptions(), state);
        using var rollout = new RolloutWorker(bus, rolloutModel, setup.Model.Tokenizer, eos, store, new RolloutWorkerOptions(MaxGroupsPerBatch: Spec.Optimizer.PromptsPerStep));
        using var reward = new RewardWorker(bus, Spec);
        using var evaluator = new EvaluatorWorker(bus, evalModel, new BudgetEvaluator(evalModel, prompting, eos, verifier), store,
            setup.EvalSets, EvaluationOptions(), IsEvaluationStep);

        await learner.StartAsync(cancellationToken).ConfigureAwait(false);
        await EvaluateAsync(evaluator, cancellationToken).ConfigureAwait(false);
        observer.Phase($"training steps {startStep + 1}..{Spec.Optimizer.Steps}");
        while (!learner.Done)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var groups = await rollout.ProcessAvailableAsync(cancellationToken).ConfigureAwait(false);
            var scored = await reward.ProcessAvailableAsync(cancellationToken).ConfigureAwait(false);
            var metrics = await learner.ProcessAvailableAsync(cancellationToken).ConfigureAwait(false);
            if (metrics is null)
            {
                if (groups == 0 && scored == 0) throw new InvalidOperationException($"the pipeline stalled before step {learner.Step + 1}: no rollouts were produced");
                continue;
            }
            metrics["dead_letters"] = bus.DeadLettersWritten;
            Run.AppendMetrics(metrics);
            observer.Step(metrics, Spec.Optimizer.Steps);
            if (metrics.GetValueOrDefault("skipped_updates") is > 0) observer.Message($"step {learner.Step}: a non-finite loss or gradient skipped an update");
            if (learner.Step % Spec.Optimizer.CheckpointEvery == 0 || learner.Done) Checkpoint(learner, trainer);
            await EvaluateAsync(evaluator, cancellationToken).ConfigureAwait(false);
        }
        return new RunResult(Run.Path, learner.Step, evaluator.Reports.Select(r => (r.Step, r.Report)).ToList());
    }

    private LearnerWorkerOptions LearnerWorkerOptions() => new(setup.Document.Metadata.Name, Spec.Optimizer.Steps, Spec.Optimizer.PromptsPerStep,
        Spec.Rollout.GroupSize, Spec.Optimizer.MaxStaleness, Spec.Optimizer.DynamicSampling, RolloutSampling(), Spec.Seed);

    private SamplingParams RolloutSampling()
    {
        var sampling = new SamplingParams { Temperature = Spec.Rollout.Temperature, TopP = Spec.Rollout.TopP, TopK = Spec.Rollout.TopK, MaxTokens = Spec.Rollout.MaxTokens };
        sampling.Stop.AddRange(Spec.Rollout.Stop);
        return sampling;
    }

    private EvaluationOptions EvaluationOptions() => new(Spec.Evaluation.Budgets, Spec.Evaluation.Samples,
        (float)(Spec.Evaluation.Temperature ?? Spec.Rollout.Temperature), (float)(Spec.Evaluation.TopP ?? Spec.Rollout.TopP),
        (ulong)Spec.Seed + 1_000_003UL, Spec.Evaluation.Mode);

    private bool IsEvaluationStep(int step) =>
        setup.EvalSets.Count > 0 && (step == 0 || step == Spec.Optimizer.Steps || (Spec.Evaluation.Every > 0 && step % Spec.Evaluation.Every == 0));

    private async Task EvaluateAsync(EvaluatorWorker evaluator, CancellationToken cancellationToken)
    {
        var reports = await evaluator.ProcessAvailableAsync(new Progress<string>(observer.Phase), cancellationToken).ConfigureAwait(false);
        foreach (var (step, version, report) in reports)
        {
            Run.AppendEvaluation(step, version, report);
            var top = report.Budgets[^1];
            observer.Message($"eval step {step} {report.Dataset}: Mean@{report.SamplesPerProblem} {top.MeanAtK:P1} at {top.Budget} tokens, mean length {top.Lengths.Overall.Mean:F1}");
        }
    }

    private IReadOnlyList<Problem> FilterPrompts(BudgetEvaluator evaluator)
    {
        var candidates = new PromptOrder(setup.Candidates, Spec.Seed);
        var ordered = Enumerable.Range(0, setup.Candidates.Count).Select(i => candidates.At(i)).ToList();
        IReadOnlyList<Problem> kept = ordered;
        if (Spec.Data.Filter?.PassRate is { } passRate)
        {
            var needed = Spec.Optimizer.Steps * Spec.Optimizer.PromptsPerStep * (Spec.Optimizer.DynamicSampling ? 2 : 1);
            observer.Phase($"filtering prompts by pass rate ({passRate.Samples} samples each, until {needed} are kept)");
            var filter = new PassRateFilter(evaluator);
            var (selected, stats) = filter.Select(ordered, passRate, passRate.MaxTokens ?? Spec.Rollout.MaxTokens,
                (float)Spec.Rollout.Temperature, (float)Spec.Rollout.TopP, (ulong)Spec.Seed + 7UL, needed,
                new Progress<PassRateStats>(s => observer.Progress(s.Kept, needed)));
            observer.Message($"pass-rate filter: kept {stats.Kept} of {stats.Sampled} prompts sampled in {stats.Seconds:F0} s; correct-count histogram [{string.Join(", ", stats.CorrectCountHistogram)}]");
            kept = selected.Count > 0 ? selected : throw new InvalidOperationException($"the pass-rate filter kept no prompt out of {stats.Sampled}");
            File.WriteAllText(Run.PromptsPath, JsonSerializer.Serialize(new { ids = kept.Select(p => p.Id), stats }));
        }
        else
        {
            File.WriteAllText(Run.PromptsPath, JsonSerializer.Serialize(new { ids = kept.Select(p => p.Id) }));
        }
        return kept;
    }

    private IReadOnlyList<Problem> LoadPrompts()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Run.PromptsPath));
        var byId = setup.Candidates.ToDictionary(p => p.Id);
        return json.RootElement.GetProperty("ids").EnumerateArray()
            .Select(id => byId.TryGetValue(id.GetString()!, out var p) ? p : throw new InvalidDataException($"{Run.PromptsPath}: prompt '{id}' is not in the training data any more"))
            .ToList();
    }

    private void Checkpoint(LearnerWorker learner, IPolicyTrainer trainer)
    {
        var folder = Run.CheckpointPath(learner.Step);
        ModelFolder.Save(setup.Model.Model, setup.Model.Folder, folder);
        trainer.SaveState(Path.Combine(folder, "trainer"));
        File.WriteAllText(Path.Combine(folder, RunDirectory.LearnerStateFile), JsonSerializer.Serialize(learner.Snapshot())); // last: marks completion
        observer.Message($"checkpoint step {learner.Step} → {folder}");
    }

    // Restores the weights of the last complete checkpoint into the policy; returns its step.
    private int Resume()
    {
        var steps = Run.CompleteCheckpoints();
        if (steps.Count == 0) throw new DirectoryNotFoundException($"{Run.CheckpointsPath}: no complete checkpoint to resume from");
        var step = steps[^1];
        Model.Checkpoints.CheckpointLoader.LoadInto(setup.Model.Model, Run.CheckpointPath(step));
        Run.TruncateForResume(step);
        observer.Message($"resuming from checkpoint step {step}");
        return step;
    }

    private LearnerState LoadCheckpointState(int step, IPolicyTrainer trainer)
    {
        var folder = Run.CheckpointPath(step);
        trainer.LoadState(Path.Combine(folder, "trainer"));
        return JsonSerializer.Deserialize<LearnerState>(File.ReadAllText(Path.Combine(folder, RunDirectory.LearnerStateFile)))!;
    }

    private static Qwen3ForCausalLM Clone(Qwen3ForCausalLM source)
    {
        var copy = new Qwen3ForCausalLM(source.Config, source.Device, source.DType);
        using var noGrad = TorchSharp.torch.no_grad();
        var weights = source.state_dict();
        foreach (var (name, tensor) in copy.state_dict()) tensor.copy_(weights[name]);
        copy.eval();
        return copy;
    }
}

/// <summary>Where the run went, how far it got, and its evaluations (step, report).</summary>
public sealed record RunResult(string RunPath, int Steps, IReadOnlyList<(int Step, EvaluationReport Report)> Evaluations);
