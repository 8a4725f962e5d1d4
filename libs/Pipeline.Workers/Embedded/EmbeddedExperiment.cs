using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Core.Verifiers;
using Pipeline.Model;
using Pipeline.Model.Qwen3;
using Pipeline.Workers.Evaluation;
using Pipeline.Workers.Policy;
using Pipeline.Workers.Runs;

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
        var plan = new RunPlan(setup.Document, setup.EvalSets.Count);
        var checkpoints = new LearnerCheckpoints(setup);
        // The trainer first: a KL reference is copied from the policy's initial weights, before a checkpoint loads.
        var trainer = trainerFactory(setup.Model.Model, Spec);
        var state = resume ? Resume(checkpoints, trainer) : LearnerState.Initial;
        var prompting = plan.Prompting(setup.Model.Tokenizer);
        var verifier = VerifierRegistry.Create(Spec.Reward.Verifier);
        var bus = new InMemoryBus();
        using var store = new InMemoryPolicyStore();
        using var rolloutModel = Clone(setup.Model.Model);
        using var evalModel = Clone(setup.Model.Model);
        var eos = setup.Model.EosTokenIds;

        var prompts = resume ? TrainingPrompts.Load(setup) : TrainingPrompts.Select(setup, new BudgetEvaluator(rolloutModel, prompting, eos, verifier), observer);
        using var learner = new LearnerWorker(bus, store, setup.Model.Model, trainer, new PromptOrder(prompts, Spec.Seed, state.Cursor),
            prompting, plan.Learner(), state);
        using var rollout = new RolloutWorker(bus, rolloutModel, setup.Model.Tokenizer, eos, store, new RolloutWorkerOptions(MaxGroupsPerBatch: Spec.Optimizer.PromptsPerStep));
        using var reward = new RewardWorker(bus, Spec);
        using var evaluator = new EvaluatorWorker(bus, evalModel, new BudgetEvaluator(evalModel, prompting, eos, verifier), store,
            setup.EvalSets, plan.Evaluation(), plan.IsEvaluationStep);

        await learner.StartAsync(cancellationToken).ConfigureAwait(false);
        await EvaluateAsync(evaluator, cancellationToken).ConfigureAwait(false);
        observer.Phase($"training steps {state.Step + 1}..{Spec.Optimizer.Steps}");
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
            Run.AppendTrainedGroups(learner.Step, learner.LastTrained);
            observer.Step(metrics, Spec.Optimizer.Steps);
            if (metrics.GetValueOrDefault("skipped_updates") is > 0) observer.Message($"step {learner.Step}: a non-finite loss or gradient skipped an update");
            if (learner.Step % Spec.Optimizer.CheckpointEvery == 0 || learner.Done)
                observer.Message($"checkpoint step {learner.Step} → {checkpoints.Save(learner, trainer)}");
            await EvaluateAsync(evaluator, cancellationToken).ConfigureAwait(false);
        }
        return new RunResult(Run.Path, learner.Step, evaluator.Reports.Select(r => (r.Step, r.Report)).ToList());
    }

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

    // Restores the last complete checkpoint (weights, optimiser, data position) and trims the run's files after it.
    private LearnerState Resume(LearnerCheckpoints checkpoints, IPolicyTrainer trainer)
    {
        var step = checkpoints.Latest() ?? throw new DirectoryNotFoundException($"{Run.CheckpointsPath}: no complete checkpoint to resume from");
        var state = checkpoints.Restore(step, trainer);
        Run.TruncateForResume(step);
        observer.Message($"resuming from checkpoint step {step}");
        return state;
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
