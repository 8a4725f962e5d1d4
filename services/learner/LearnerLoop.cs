using Microsoft.Extensions.Logging;
using Pipeline.Bus;
using Pipeline.Core.Verifiers;
using Pipeline.Workers;
using Pipeline.Workers.Embedded;
using Pipeline.Workers.Evaluation;
using Pipeline.Workers.Policy;
using Pipeline.Workers.Runs;

namespace Pipeline.Services.Learner;

/// <summary>
/// The learner service's bus loop: restores the run's last complete checkpoint (or starts at step 0), selects or
/// reloads the training prompts, then trains whenever a step's worth of scored groups has arrived, writing
/// metrics.jsonl, groups.jsonl and checkpoints into the shared run folder as the embedded host does.
/// </summary>
internal sealed partial class LearnerLoop(RunSetup setup, IMessageBus bus, IPolicyStore policies, LearnerProgress progress,
    LearnerMetrics metrics, LearnerServiceOptions options, ILogger log)
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(200);

    public async Task RunAsync(CancellationToken stopping)
    {
        var spec = setup.Spec;
        var plan = new RunPlan(setup.Document, setup.EvalSets.Count);
        var checkpoints = new LearnerCheckpoints(setup);
        // The trainer first: a KL reference is copied from the initial weights, before a checkpoint loads.
        var trainer = new GrpoTrainer(setup.Model.Model, spec);
        var state = LearnerState.Initial;
        if (checkpoints.Latest() is { } step)
        {
            state = checkpoints.Restore(step, trainer);
            LogRestored(step);
        }
        setup.Run.TruncateTrainingAfter(state.Step);
        var prompting = plan.Prompting(setup.Model.Tokenizer);
        var prompts = TrainingPrompts.LoadOrSelect(setup,
            () => new BudgetEvaluator(setup.Model.Model, prompting, setup.Model.EosTokenIds, VerifierRegistry.Create(spec.Reward.Verifier)),
            new LoggingObserver(log));
        using var learner = new LearnerWorker(bus, policies, setup.Model.Model, trainer, new PromptOrder(prompts, spec.Seed, state.Cursor),
            prompting, plan.Learner(), state)
        {
            Announcing = progress.Announce,
        };
        metrics.ConsumerLag.Source = () => learner.Lag;
        await learner.StartAsync(stopping).ConfigureAwait(false);
        progress.Update(learner.Step, learner.Policy, learner.PendingGroups);
        LogTraining(learner.Step + 1, spec.Optimizer.Steps, prompts.Count);
        while (!learner.Done)
        {
            var stepMetrics = await learner.ProcessAvailableAsync(Wait, stopping).ConfigureAwait(false);
            metrics.GroupsInFlight.Set(learner.InFlight);
            metrics.GroupsPending.Set(learner.PendingGroups);
            if (stepMetrics is null) continue;
            stepMetrics["dead_letters"] = bus.DeadLettersWritten;
            setup.Run.AppendMetrics(stepMetrics);
            setup.Run.AppendTrainedGroups(learner.Step, learner.LastTrained);
            metrics.RecordStep(learner.Step, stepMetrics, learner.LastTrained, learner.PublishSeconds);
            if (learner.Step % spec.Optimizer.CheckpointEvery == 0 || learner.Done)
            {
                var folder = checkpoints.Save(learner, trainer);
                LogCheckpoint(learner.Step, folder);
            }
            progress.Update(learner.Step, learner.Policy, learner.PendingGroups);
            var (reward, length) = (stepMetrics.GetValueOrDefault("reward_mean"), stepMetrics.GetValueOrDefault("mean_length"));
            LogStep(learner.Step, spec.Optimizer.Steps, reward, length);
        }
        metrics.ConsumerLag.Source = null;
        LogDone(learner.Step);
        // Stay up for GetStatus and GetPolicy until stopped, unless run as a Job that should complete.
        if (!options.ExitWhenDone) await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "restored the checkpoint of step {Step}")]
    private partial void LogRestored(int step);

    [LoggerMessage(Level = LogLevel.Information, Message = "training steps {First}..{Last} on {Prompts} prompts")]
    private partial void LogTraining(int first, int last, int prompts);

    [LoggerMessage(Level = LogLevel.Information, Message = "step {Step}/{Steps}: reward {Reward:F3}, length {Length:F1}")]
    private partial void LogStep(int step, int steps, double? reward, double? length);

    [LoggerMessage(Level = LogLevel.Information, Message = "checkpoint step {Step} -> {Folder}")]
    private partial void LogCheckpoint(int step, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "done after step {Step}")]
    private partial void LogDone(int step);

    /// <summary>Phases and messages of prompt selection as log lines (a service has no progress bar).</summary>
    private sealed partial class LoggingObserver(ILogger log) : IRunObserver
    {
        public void Phase(string description) => LogLine(description);
        public void Progress(int done, int total) { }
        public void Step(IReadOnlyDictionary<string, double?> metrics, int totalSteps) { }
        public void Message(string line) => LogLine(line);

        [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
        private partial void LogLine(string line);
    }
}
