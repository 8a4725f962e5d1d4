using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// The one place that knows about tied input/output embeddings (HF <c>tie_word_embeddings</c>).
/// <para>
/// Policy. A Qwen3 model with tied embeddings does not register <c>lm_head</c> at all (it multiplies by
/// <c>model.embed_tokens.weight</c>), so its state dict and an HF tied checkpoint — which transformers saves without
/// <c>lm_head.weight</c> — match name for name, and the loader compares them exactly. One exception, on load: some
/// exporters (older conversions, merges) write <c>lm_head.weight</c> into a tied checkpoint anyway. When the module
/// has <c>model.embed_tokens.weight</c> but no <c>lm_head.weight</c>, such a tensor is ignored <b>only if it equals
/// the checkpoint's embed_tokens</b> (same shape, dtype and values) — then dropping it loses nothing; if it differs the checkpoint holds a
/// trained, untied head that the module would silently discard, so loading fails. Saving mirrors this: a tied config
/// with a module exposing an <c>lm_head.weight</c> equal to the embeddings saves without it, and refuses otherwise.
/// An untied module facing a checkpoint without <c>lm_head.weight</c> is simply a missing tensor (transformers would
/// initialise it randomly; we do not).
/// </para>
/// </summary>
public static class TiedEmbeddings
{
    public const string HeadName = "lm_head.weight";
    public const string EmbeddingName = "model.embed_tokens.weight";

    /// <summary>
    /// Whether the checkpoint's extra <c>lm_head.weight</c> may be ignored for a tied module; throws when the module is
    /// tied but the checkpoint's head differs from its embeddings. False when the rule does not apply.
    /// </summary>
    internal static bool IgnoreHeadOnLoad(ICollection<string> moduleNames, CheckpointReader checkpoint)
    {
        if (moduleNames.Contains(HeadName) || !moduleNames.Contains(EmbeddingName)) return false;
        if (!checkpoint.Contains(HeadName) || !checkpoint.Contains(EmbeddingName)) return false;
        using var head = checkpoint.Read(HeadName);
        using var embedding = checkpoint.Read(EmbeddingName);
        if (Same(head, embedding)) return true;
        throw new InvalidDataException(
            $"{checkpoint.Folder}: the model ties its output head to {EmbeddingName} (it has no {HeadName}), but the checkpoint's " +
            $"{HeadName} {Shapes.Format(head.shape)} differs from its {EmbeddingName} {Shapes.Format(embedding.shape)}: loading would " +
            "discard a trained head. Build the model with tie_word_embeddings: false to load it.");
    }

    /// <summary>Removes a module's <c>lm_head.weight</c> from a state dict about to be saved with a tied config.</summary>
    internal static void DropTiedHeadForSave(Dictionary<string, torch.Tensor> state, bool tied)
    {
        if (!tied || !state.TryGetValue(HeadName, out var head)) return;
        if (!state.TryGetValue(EmbeddingName, out var embedding) || !Same(head, embedding))
            throw new InvalidOperationException(
                $"the config sets tie_word_embeddings: true, but the module's {HeadName} is not {EmbeddingName}: " +
                "the saved checkpoint would lose the head. Save with tie_word_embeddings: false.");
        state.Remove(HeadName);
    }

    private static bool Same(torch.Tensor a, torch.Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype) return false;
        using var equal = a.eq(b);
        using var all = equal.all();
        return all.item<bool>();
    }
}
