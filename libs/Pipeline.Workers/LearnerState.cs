namespace Pipeline.Workers;

/// <summary>A request the learner has issued and not yet trained on: kept in checkpoints and re-issued on resume.</summary>
public sealed record PendingPrompt(string GroupId, long Position, int Step);

/// <summary>
/// What a checkpoint records about the learner's data position: the steps done, the next prompt position, and the
/// prompts issued but not trained on yet. A resumed learner re-issues those under their original group ids (so their
/// sampling seeds, and with the same weights their rollouts, are the same) before drawing new ones: no prompt is
/// skipped or repeated.
/// </summary>
public sealed record LearnerState(int Step, long Cursor, IReadOnlyList<PendingPrompt> Pending)
{
    public static LearnerState Initial { get; } = new(0, 0, []);
}
