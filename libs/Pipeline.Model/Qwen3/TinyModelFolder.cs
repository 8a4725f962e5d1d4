// Test and demo support: writes a complete, random HF model folder (config.json, model.safetensors, tokenizer.json,
// tokenizer_config.json, generation_config.json) that every command loads like a real Qwen3 folder. Tests of the CLI,
// the learner and the services make their own with this, since no model can be downloaded here.
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Qwen3;

/// <summary>Writes small random Qwen3 model folders with a Qwen-style byte-level BPE tokenizer.</summary>
public static class TinyModelFolder
{
    /// <summary>
    /// Writes a random model to <paramref name="folder"/>: a byte-level tokenizer with the Qwen chat tokens (plus
    /// one token per entry of <paramref name="words"/>), and a <see cref="TinyQwen3"/> model whose vocabulary holds
    /// every tokenizer id. The same seed writes the same weights.
    /// </summary>
    public static Qwen3Config Write(string folder, ulong seed = 0, IEnumerable<string>? words = null, int hiddenSize = 32, int layers = 2)
    {
        Directory.CreateDirectory(folder);
        var spec = TokenizerFiles.QwenStyle(words ?? ["the", "answer", "is"]);
        TokenizerFiles.Write(folder, spec);
        var tokenizer = QwenTokenizer.FromFolder(folder);
        var vocab = (tokenizer.VocabSize + 63) / 64 * 64;   // padded like real checkpoints (151936 > 151669 ids)
        var config = TinyQwen3.Config(vocabSize: vocab, hiddenSize: hiddenSize, layers: layers) with
        {
            EosTokenIds = tokenizer.EosTokenIds,
        };
        using var model = TinyQwen3.Create(seed, config);
        ModelFolder.Save(model, folder, folder);
        return config;
    }
}
