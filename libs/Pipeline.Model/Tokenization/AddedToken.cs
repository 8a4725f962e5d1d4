// An entry of tokenizer.json's `added_tokens` (HF tokenizers' AddedToken): a string matched whole in the
// input before BPE runs, with its own id. `Special` tokens (<|im_start|>, <|endoftext|>) are dropped by
// Decode(skipSpecialTokens: true); non-special ones (<think>, <tool_call>) are always kept.
// `Normalized` tokens are matched in the NFC-normalised text, the others in the raw text (as HF does).
// lstrip / rstrip / single_word are not supported (Qwen sets them all false); the reader rejects them.
namespace Pipeline.Model.Tokenization;

/// <summary>A token matched whole in the text before BPE, e.g. <c>&lt;|im_start|&gt;</c>.</summary>
public sealed record AddedToken(int Id, string Content, bool Special = true)
{
    /// <summary>Matched after normalisation (HF <c>normalized: true</c>); Qwen's are all false.</summary>
    public bool Normalized { get; init; }
}
