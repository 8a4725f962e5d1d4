// An independent Qwen3 forward for parity tests: plain C# loops over double arrays, written from the equations of
// HF transformers' modeling_qwen3.py, sharing no code with the TorchSharp model (no tensor ops at all). It reads the
// weights out of a model's named parameters by their checkpoint keys, so a wrong key breaks parity too.
// One unpadded sequence at a time; positions 0 … T − 1.
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Qwen3;

internal sealed class ReferenceQwen3
{
    private readonly Qwen3Config _c;
    private readonly Dictionary<string, double[]> _w;

    public ReferenceQwen3(Qwen3ForCausalLM model)
    {
        _c = model.Config;
        _w = model.named_parameters().ToDictionary(p => p.name, p => ToDoubles(p.parameter));
    }

    /// <summary>log_softmax of the logits at every position: [T][V].</summary>
    public double[][] LogProbs(int[] ids) => Logits(ids).Select(LogSoftmax).ToArray();

    /// <summary>Logits at every position: [T][V].</summary>
    public double[][] Logits(int[] ids)
    {
        int h = _c.HiddenSize;
        var x = ids.Select(id => _w["model.embed_tokens.weight"].AsSpan(id * h, h).ToArray()).ToArray();
        for (var layer = 0; layer < _c.NumHiddenLayers; layer++) x = Layer(x, $"model.layers.{layer}.");
        var head = _c.TieWordEmbeddings ? _w["model.embed_tokens.weight"] : _w["lm_head.weight"];
        return x.Select(row => MatVec(head, RmsNorm(row, _w["model.norm.weight"]), _c.VocabSize)).ToArray();
    }

    private double[][] Layer(double[][] x, string prefix)
    {
        var attended = Attention(x.Select(row => RmsNorm(row, _w[prefix + "input_layernorm.weight"])).ToArray(), prefix + "self_attn.");
        var h = x.Select((row, t) => Add(row, attended[t])).ToArray();
        return h.Select(row =>
        {
            var n = RmsNorm(row, _w[prefix + "post_attention_layernorm.weight"]);
            var gate = MatVec(_w[prefix + "mlp.gate_proj.weight"], n, _c.IntermediateSize);
            var up = MatVec(_w[prefix + "mlp.up_proj.weight"], n, _c.IntermediateSize);
            var inner = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
            return Add(row, MatVec(_w[prefix + "mlp.down_proj.weight"], inner, _c.HiddenSize));
        }).ToArray();
    }

    private double[][] Attention(double[][] x, string prefix)
    {
        int heads = _c.NumAttentionHeads, kvHeads = _c.NumKeyValueHeads, d = _c.HeadDim, T = x.Length;
        // [t][head][d] after projection, per-head RMSNorm, then RoPE at position t.
        var q = x.Select((row, t) => Heads(MatVec(_w[prefix + "q_proj.weight"], row, heads * d), heads, _w[prefix + "q_norm.weight"], t)).ToArray();
        var k = x.Select((row, t) => Heads(MatVec(_w[prefix + "k_proj.weight"], row, kvHeads * d), kvHeads, _w[prefix + "k_norm.weight"], t)).ToArray();
        var v = x.Select(row => Split(MatVec(_w[prefix + "v_proj.weight"], row, kvHeads * d), kvHeads)).ToArray();
        var output = new double[T][];
        for (var t = 0; t < T; t++)
        {
            var concat = new double[heads * d];
            for (var head = 0; head < heads; head++)
            {
                var kv = head / (heads / kvHeads);
                var scores = Enumerable.Range(0, t + 1).Select(j => Dot(q[t][head], k[j][kv]) / Math.Sqrt(d)).ToArray();
                var weights = Softmax(scores);
                for (var j = 0; j <= t; j++)
                    for (var i = 0; i < d; i++) concat[head * d + i] += weights[j] * v[j][kv][i];
            }
            output[t] = MatVec(_w[prefix + "o_proj.weight"], concat, _c.HiddenSize);
        }
        return output;
    }

    private double[][] Heads(double[] flat, int count, double[] normWeight, int position) =>
        Split(flat, count).Select(head => Rope(RmsNorm(head, normWeight), position)).ToArray();

    private double[][] Split(double[] flat, int count) =>
        Enumerable.Range(0, count).Select(i => flat.AsSpan(i * _c.HeadDim, _c.HeadDim).ToArray()).ToArray();

    /// <summary>Rotate-half RoPE: pairs (i, i + D/2) rotated by position · θ^(−2i/D).</summary>
    private double[] Rope(double[] x, int position)
    {
        var half = x.Length / 2;
        var y = new double[x.Length];
        for (var i = 0; i < half; i++)
        {
            var angle = position * Math.Pow(_c.RopeTheta, -2.0 * i / x.Length);
            var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
            y[i] = x[i] * cos - x[i + half] * sin;
            y[i + half] = x[i + half] * cos + x[i] * sin;
        }
        return y;
    }

    private double[] RmsNorm(double[] x, double[] weight)
    {
        var scale = 1 / Math.Sqrt(x.Sum(v => v * v) / x.Length + _c.RmsNormEps);
        return x.Select((v, i) => weight[i] * v * scale).ToArray();
    }

    /// <summary>W (rows × x.Length, row-major as torch stores a Linear weight) · x.</summary>
    private static double[] MatVec(double[] w, double[] x, int rows)
    {
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            double sum = 0;
            for (var i = 0; i < x.Length; i++) sum += w[r * x.Length + i] * x[i];
            y[r] = sum;
        }
        return y;
    }

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    private static double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();

    private static double[] Softmax(double[] x)
    {
        var max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    internal static double[] LogSoftmax(double[] x)
    {
        var max = x.Max();
        var logSum = max + Math.Log(x.Sum(v => Math.Exp(v - max)));
        return x.Select(v => v - logSum).ToArray();
    }

    private static double[] ToDoubles(Tensor t)
    {
        using var cpu = t.detach().cpu().to(ScalarType.Float64);
        return cpu.data<double>().ToArray();
    }
}
