// Qwen3ForCausalLM from HF transformers' modeling_qwen3.py: Qwen3Model plus a bias-free LM head. With
// tie_word_embeddings the head IS the embedding matrix and no lm_head.weight parameter exists (as in the 0.6B–4B
// checkpoints, which carry no such tensor). Parameter names are the HF checkpoint keys
// (model.layers.3.self_attn.q_proj.weight, ...), so state dicts map one to one onto safetensors files.
//
// Initialisation as HF _init_weights: normal(0, initializer_range) for linear and embedding weights, ones for norms;
// deterministic under torch.manual_seed. Skipped on the meta device, where the model only describes parameter names
// and shapes (that is how the full-size configs are checked without allocating weights).
// Compute dtype is the constructor's dtype: float32 on CPU (bf16 matmul is ~150× slower there), bfloat16 on CUDA.
//
// Shapes: B batch, T new tokens, V vocab; logits (B, T, V) in the model dtype.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>The Qwen3 causal language model (HF <c>Qwen3ForCausalLM</c>).</summary>
public sealed class Qwen3ForCausalLM : nn.Module, ICausalLM
{
    /// <summary>HF's default <c>initializer_range</c> when config.json has none.</summary>
    public const double DefaultInitializerRange = 0.02;

    [ComponentName(Name = "model")] private readonly Qwen3Model _model;
    [ComponentName(Name = "lm_head")] private readonly Linear? _lmHead;

    /// <param name="config">Architecture (config.json).</param>
    /// <param name="device">Where parameters live; <c>new Device("meta")</c> allocates nothing.</param>
    /// <param name="dtype">Parameter and compute dtype: Float32 on CPU, BFloat16 on CUDA.</param>
    public Qwen3ForCausalLM(Qwen3Config config, Device? device = null, ScalarType dtype = ScalarType.Float32) : base(nameof(Qwen3ForCausalLM))
    {
        Runtime.TorchRuntime.EnsureLoaded(); // clear error if LibTorch cannot load; allocator tuned before any tensor work
        Config = config;
        Device = device ?? torch.CPU;
        DType = dtype;
        _model = new Qwen3Model(config, Device, dtype);
        if (!config.TieWordEmbeddings)
            _lmHead = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, device: Device, dtype: dtype);
        RegisterComponents();
        if (Device.type != DeviceType.META) InitializeWeights(InitializerRange(config));
    }

    public Qwen3Config Config { get; }

    public Device Device { get; }

    public ScalarType DType { get; }

    public int VocabSize => Config.VocabSize;

    /// <summary>The decoder stack (checkpoint prefix <c>model.</c>).</summary>
    public Qwen3Model Model => _model;

    /// <inheritdoc />
    public Tensor Forward(Tensor inputIds, Tensor? positionIds = null, Tensor? attentionMask = null, KvCache? cache = null, int logitsToKeep = 0)
    {
        using var scope = torch.NewDisposeScope();
        var inputs = ForwardInputs.Prepare(inputIds, positionIds, attentionMask, cache, VocabSize, _model.LayerCount, Device);
        var hidden = _model.forward(inputs, cache); // (B, T, hidden)
        var t = hidden.shape[1];
        if (logitsToKeep > 0 && logitsToKeep < t) hidden = hidden.narrow(1, t - logitsToKeep, logitsToKeep); // (B, K, hidden)
        var logits = _lmHead is null
            ? nn.functional.linear(hidden, _model.EmbeddingWeight) // (B, T or K, V), tied head
            : _lmHead.forward(hidden); // (B, T or K, V)
        return logits.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public KvCache NewCache(long batchSize, int capacity) =>
        new(_model.LayerCount, batchSize, Config.NumKeyValueHeads, Config.HeadDim, capacity, Device, DType);

    /// <summary>
    /// Re-draws every weight as HF does: normal(0, <paramref name="std"/>) for linear/embedding, ones for norms. Draws
    /// from <paramref name="generator"/> when given (independent of other threads), else from torch's default generator.
    /// (Tensor.normal_ rather than nn.init.normal_, which ignores its generator argument in TorchSharp 0.107.)
    /// </summary>
    public void InitializeWeights(double std, Generator? generator = null)
    {
        using var noGrad = torch.no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Linear linear: linear.weight!.normal_(0, std, generator); break;
                case Qwen3Embedding embedding: embedding.Weight.normal_(0, std, generator); break;
                case Qwen3RmsNorm norm: nn.init.ones_(norm.Weight); break;
            }
        }
    }

    private static double InitializerRange(Qwen3Config config) =>
        config.Extra["initializer_range"] is { } value ? value.GetValue<double>() : DefaultInitializerRange;
}
