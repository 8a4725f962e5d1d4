using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Core.Scoring;
using Pipeline.Core.Spec;

namespace Pipeline.Workers;

/// <summary>
/// Scores <see cref="RolloutGroup"/>s with the spec's reward stage (<see cref="GroupScorer"/>: verifier, length
/// shaping, loss mask, group-relative advantage) and publishes <see cref="ScoredGroup"/>s. Stateless, so a
/// redelivered group is simply scored again (the learner drops duplicates by group id). A group that is
/// inconsistent (wrong number of completions, logprobs not matching tokens) goes to the dead-letter topic.
/// </summary>
public sealed class RewardWorker : IDisposable
{
    private readonly GroupScorer _scorer;
    private readonly IConsumer<RolloutGroup> _rollouts;
    private readonly IProducer<ScoredGroup> _scored;
    private readonly DeadLetterProducer _deadLetters;

    public RewardWorker(IMessageBus bus, ExperimentSpec spec)
    {
        _scorer = new GroupScorer(spec);
        _rollouts = bus.Consumer(Topics.Rollouts, "reward");
        _scored = bus.Producer(Topics.Scored);
        _deadLetters = new DeadLetterProducer(bus, "reward");
    }

    public long Scored { get; private set; }

    public long DeadLettered => _deadLetters.Sent;

    public async Task<int> ProcessAvailableAsync(CancellationToken cancellationToken = default)
    {
        var count = 0;
        while (await _rollouts.ConsumeAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false) is { } delivery)
        {
            await HandleAsync(delivery, cancellationToken).ConfigureAwait(false);
            count++;
        }
        return count;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await _rollouts.ConsumeAsync(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false) is { } delivery)
                await HandleAsync(delivery, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(Delivery<RolloutGroup> delivery, CancellationToken cancellationToken)
    {
        var problem = RolloutGroupScoring.Problem(delivery.Message);
        if (problem is not null)
            await _deadLetters.SendAsync(delivery, problem, cancellationToken).ConfigureAwait(false);
        else
            await _scored.ProduceAsync(delivery.Key, Score(delivery.Message), cancellationToken).ConfigureAwait(false);
        _rollouts.Commit(delivery);
    }

    /// <summary>The reward stage for one group (public for <c>pipeline score</c>-style callers and tests).</summary>
    public ScoredGroup Score(RolloutGroup group)
    {
        var result = _scorer.Score(group);
        Scored++;
        GroupScored?.Invoke(result);
        return result;
    }

    /// <summary>Told every group this worker scored (metrics).</summary>
    public Action<ScoredGroup>? GroupScored { get; init; }

    /// <summary>Rollout groups published and not yet scored by the reward group.</summary>
    public long Lag => _rollouts.Lag;

    public void Dispose() => _rollouts.Dispose();
}
