using System.Text;
using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>What <see cref="CheckpointLoader.LoadInto(torch.nn.Module, CheckpointReader)"/> did.</summary>
/// <param name="Loaded">Tensors copied into the module.</param>
/// <param name="Ignored">Checkpoint tensors deliberately skipped, with the reason (see <see cref="TiedEmbeddings"/>).</param>
public sealed record CheckpointLoadResult(int Loaded, IReadOnlyList<string> Ignored);

/// <summary>The checkpoint's tensors do not match the module's state dict; every difference is listed.</summary>
public sealed class CheckpointMismatchException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
    IReadOnlyList<string> misShaped) : Exception(message)
{
    /// <summary>Names the module has and the checkpoint lacks.</summary>
    public IReadOnlyList<string> Missing { get; } = missing;

    /// <summary>Names the checkpoint has and the module lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; } = unexpected;

    /// <summary>Names present in both with different shapes.</summary>
    public IReadOnlyList<string> MisShaped { get; } = misShaped;
}

/// <summary>
/// Strict application of a checkpoint to any <see cref="torch.nn.Module"/>: the module's <c>state_dict()</c> names
/// and shapes must equal the checkpoint's exactly (tied embeddings: see <see cref="TiedEmbeddings"/>). Every
/// missing, unexpected and mis-shaped tensor is collected and reported in one exception before anything is copied,
/// so a failed load leaves the module untouched. Tensors are then read one at a time and copied into the module's
/// parameters and buffers under <c>no_grad</c>; <c>copy_</c> converts to each parameter's dtype and device, so the
/// module decides: float32 on CPU (BF16/F16 weights upcast exactly), bfloat16 on CUDA.
/// </summary>
public static class CheckpointLoader
{
    /// <summary>Loads the checkpoint in <paramref name="folder"/> (single file or sharded) into <paramref name="module"/>.</summary>
    /// <exception cref="CheckpointMismatchException">Names or shapes differ; the message lists every problem.</exception>
    /// <exception cref="InvalidDataException">A file is truncated or corrupt; the message names it.</exception>
    public static CheckpointLoadResult LoadInto(torch.nn.Module module, string folder)
    {
        using var checkpoint = CheckpointReader.Open(folder);
        return LoadInto(module, checkpoint);
    }

    /// <summary>Loads an open checkpoint into <paramref name="module"/> (see the folder overload).</summary>
    public static CheckpointLoadResult LoadInto(torch.nn.Module module, CheckpointReader checkpoint)
    {
        var targets = module.state_dict(); // the module's own tensors: not ours to dispose
        var ignored = new List<string>();
        var names = checkpoint.Names.ToList();
        if (TiedEmbeddings.IgnoreHeadOnLoad(targets.Keys, checkpoint))
        {
            names.Remove(TiedEmbeddings.HeadName);
            ignored.Add($"{TiedEmbeddings.HeadName}: tied to {TiedEmbeddings.EmbeddingName} and equal to it");
        }
        ThrowIfMismatched(targets, names, checkpoint);
        using (torch.no_grad())
        {
            foreach (var name in names)
            {
                using var source = checkpoint.Read(name);
                targets[name].copy_(source); // returns the target itself (a module tensor): not to dispose
            }
        }
        return new CheckpointLoadResult(names.Count, ignored);
    }

    private static void ThrowIfMismatched(Dictionary<string, torch.Tensor> targets, List<string> names, CheckpointReader checkpoint)
    {
        var available = names.ToHashSet(StringComparer.Ordinal);
        var missing = targets.Keys.Where(n => !available.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var unexpected = names.Where(n => !targets.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        var misShaped = names.Where(n => targets.TryGetValue(n, out var t) && !t.shape.SequenceEqual(checkpoint.Entry(n).Shape))
            .Order(StringComparer.Ordinal).ToList();
        if (missing.Count + unexpected.Count + misShaped.Count == 0) return;

        var message = new StringBuilder($"{checkpoint.Folder}: the checkpoint does not match the model " +
                                         $"({missing.Count} missing, {unexpected.Count} unexpected, {misShaped.Count} with the wrong shape):");
        foreach (var name in misShaped)
            message.Append($"{Environment.NewLine}  wrong shape: '{name}' is {checkpoint.Entry(name).ShapeText} in the checkpoint, {Shapes.Format(targets[name].shape)} in the model");
        foreach (var name in missing)
            message.Append($"{Environment.NewLine}  missing: '{name}' {Shapes.Format(targets[name].shape)} is in the model but not in the checkpoint");
        foreach (var name in unexpected)
            message.Append($"{Environment.NewLine}  unexpected: '{name}' {checkpoint.Entry(name).ShapeText} is in the checkpoint but not in the model");
        throw new CheckpointMismatchException(message.ToString(), missing, unexpected, misShaped);
    }
}
