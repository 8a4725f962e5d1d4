// The Qwen3 chat template (the Jinja `chat_template` in Qwen3's tokenizer_config.json) written out in
// C# for system / user / assistant messages — not a Jinja engine. Supported subset, rule by rule:
// - a first `system` message opens the prompt: <|im_start|>system\n{content}<|im_end|>\n
// - `user` messages, and `system` messages after the first: <|im_start|>{role}\n{content}<|im_end|>\n
// - `assistant` messages: when the content holds "</think>", the reasoning is the text before the first
//   "</think>" (right-stripped of '\n', after the last "<think>", left-stripped of '\n') and the answer
//   is the text after the last "</think>" (left-stripped of '\n'). Assistant turns after the last user
//   query keep their reasoning as <think>\n{reasoning}\n</think>\n\n{answer} (the final turn always,
//   earlier ones only if the reasoning is non-empty); earlier turns keep only the answer — this is
//   how the template drops old chains of thought. Each turn ends with <|im_end|>\n.
// - the generation prompt is <|im_start|>assistant\n, plus <think>\n\n</think>\n\n when thinking is off.
// Not supported (they throw): tools, tool calls, `tool` messages, a `reasoning_content` field, and
// roles other than system/user/assistant (the Jinja template silently drops those; we refuse instead).
// A user message wrapped in <tool_response>…</tool_response> does not count as the last query, as in
// the template.
using System.Text;

namespace Pipeline.Model.Tokenization;

/// <summary>One chat turn: <c>system</c>, <c>user</c> or <c>assistant</c>, and its text.</summary>
public sealed record ChatMessage(string Role, string Content);

internal static class QwenChatTemplate
{
    private const string ThinkOpen = "<think>", ThinkClose = "</think>";

    /// <summary>True when a tokenizer_config chat_template is the Qwen3 ChatML-with-thinking one (or absent).</summary>
    public static bool IsCompatible(string? template) =>
        template is null || (template.Contains("<|im_start|>", StringComparison.Ordinal) && template.Contains(ThinkOpen, StringComparison.Ordinal));

    public static string Format(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, bool enableThinking)
    {
        Validate(messages);

        var lastQueryIndex = LastQueryIndex(messages);
        var prompt = new StringBuilder();
        for (var i = 0; i < messages.Count; i++)
        {
            var (role, content) = (messages[i].Role, messages[i].Content);
            if (role == "assistant") AppendAssistant(prompt, content, keepReasoning: i > lastQueryIndex, isLast: i == messages.Count - 1);
            else prompt.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
        }
        if (addGenerationPrompt)
        {
            prompt.Append("<|im_start|>assistant\n");
            if (!enableThinking) prompt.Append("<think>\n\n</think>\n\n");
        }
        return prompt.ToString();
    }

    private static void Validate(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) throw new ArgumentException("a chat needs at least one message", nameof(messages));
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message?.Content is null) throw new ArgumentException($"messages[{i}] or its Content is null", nameof(messages));
            if (message.Role == "tool") throw new NotSupportedException($"messages[{i}]: tool messages are not supported by the Qwen3 chat format here");
            if (message.Role is not ("system" or "user" or "assistant"))
                throw new ArgumentException($"messages[{i}].Role must be system, user or assistant, got '{message.Role}'", nameof(messages));
        }
    }

    /// <summary>Index of the last user message that is not a wrapped tool response (the template's ns.last_query_index).</summary>
    private static int LastQueryIndex(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var m = messages[i];
            var isToolResponse = m.Content.StartsWith("<tool_response>", StringComparison.Ordinal)
                                 && m.Content.EndsWith("</tool_response>", StringComparison.Ordinal);
            if (m.Role == "user" && !isToolResponse) return i;
        }
        return messages.Count - 1;
    }

    private static void AppendAssistant(StringBuilder prompt, string content, bool keepReasoning, bool isLast)
    {
        var reasoning = "";
        var closeAt = content.IndexOf(ThinkClose, StringComparison.Ordinal);
        if (closeAt >= 0)
        {
            var beforeClose = content[..closeAt].TrimEnd('\n');
            var openAt = beforeClose.LastIndexOf(ThinkOpen, StringComparison.Ordinal);
            reasoning = (openAt >= 0 ? beforeClose[(openAt + ThinkOpen.Length)..] : beforeClose).TrimStart('\n');
            content = content[(content.LastIndexOf(ThinkClose, StringComparison.Ordinal) + ThinkClose.Length)..].TrimStart('\n');
        }
        prompt.Append("<|im_start|>assistant\n");
        if (keepReasoning && (isLast || reasoning.Length > 0))
            prompt.Append("<think>\n").Append(reasoning.Trim('\n')).Append("\n</think>\n\n").Append(content.TrimStart('\n'));
        else
            prompt.Append(content);
        prompt.Append("<|im_end|>\n");
    }
}
