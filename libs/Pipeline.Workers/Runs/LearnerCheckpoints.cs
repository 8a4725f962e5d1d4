using System.Text.Json;
using Pipeline.Model;
using Pipeline.Model.Checkpoints;
using Pipeline.Workers.Embedded;

namespace Pipeline.Workers.Runs;

/// <summary>
/// The learner's checkpoints in the run folder: <c>checkpoints/step-N/</c> holds an HF folder, the trainer's state
/// (<c>trainer/</c>) and <c>learner_state.json</c>, written last so its presence marks a complete checkpoint.
/// </summary>
public sealed class LearnerCheckpoints(RunSetup setup)
{
    private RunDirectory Run => setup.Run;

    public string Save(LearnerWorker learner, IPolicyTrainer trainer)
    {
        var folder = Run.CheckpointPath(learner.Step);
        ModelFolder.Save(setup.Model.Model, setup.Model.Folder, folder);
        trainer.SaveState(Path.Combine(folder, "trainer"));
        File.WriteAllText(Path.Combine(folder, RunDirectory.LearnerStateFile), JsonSerializer.Serialize(learner.Snapshot()));
        return folder;
    }

    /// <summary>The newest complete checkpoint's step, or null when there is none.</summary>
    public int? Latest() => Run.CompleteCheckpoints() is { Count: > 0 } steps ? steps[^1] : null;

    /// <summary>
    /// Loads the checkpoint of <paramref name="step"/>: its weights into the policy, its optimiser state into the
    /// trainer; returns the learner's data position. Call after creating the trainer (a KL reference copies the
    /// initial weights).
    /// </summary>
    public LearnerState Restore(int step, IPolicyTrainer trainer)
    {
        var folder = Run.CheckpointPath(step);
        CheckpointLoader.LoadInto(setup.Model.Model, folder);
        trainer.LoadState(Path.Combine(folder, "trainer"));
        return JsonSerializer.Deserialize<LearnerState>(File.ReadAllText(Path.Combine(folder, RunDirectory.LearnerStateFile)))
            ?? throw new InvalidDataException($"{folder}/{RunDirectory.LearnerStateFile}: empty");
    }
}
