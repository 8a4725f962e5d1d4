using Pipeline.Core.Tasks;
using Pipeline.Model.Tokenization;

namespace Pipeline.Workers;

/// <summary>The prompt a problem becomes: the spec's template, wrapped as a user turn in the model's chat format.</summary>
public sealed class Prompting(QwenTokenizer tokenizer, PromptTemplate template)
{
    public QwenTokenizer Tokenizer { get; } = tokenizer;

    public (string Text, IReadOnlyList<int> Ids) Encode(Problem problem)
    {
        var text = Tokenizer.ApplyChatTemplate([new ChatMessage("user", template.Render(problem))], addGenerationPrompt: true);
        return (text, Tokenizer.Encode(text));
    }

    /// <summary>A response's text as the verifier reads it (special tokens such as the end-of-turn marker removed).</summary>
    public string Decode(IReadOnlyList<int> ids) => Tokenizer.Decode(ids, skipSpecialTokens: true);
}
