namespace Pipeline.Workers.Embedded;

/// <summary>What a long run reports while it works; the CLI shows it as a progress bar or plain lines.</summary>
public interface IRunObserver
{
    /// <summary>A new phase begins (filtering prompts, training, evaluating).</summary>
    void Phase(string description);

    /// <summary>Progress within the current phase.</summary>
    void Progress(int done, int total);

    /// <summary>A training step finished with these metrics.</summary>
    void Step(IReadOnlyDictionary<string, double?> metrics, int totalSteps);

    /// <summary>Something worth a line of its own (a checkpoint, a skipped update).</summary>
    void Message(string line);
}

/// <summary>Discards everything (tests).</summary>
public sealed class SilentObserver : IRunObserver
{
    public void Phase(string description) { }
    public void Progress(int done, int total) { }
    public void Step(IReadOnlyDictionary<string, double?> metrics, int totalSteps) { }
    public void Message(string line) { }
}
