// The Qwen3 chat format. Every expected string below was derived by hand from the Jinja chat_template
// in ../shared/data/qwen_tokenizer/tokenizer_config.json (see QwenChatTemplate.cs for the rules).
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

[Collection(QwenTokenizerCollection.Name)]
public class ChatTemplateTests(QwenTokenizerFixture fixture)
{
    private static ChatMessage User(string content) => new("user", content);

    private static ChatMessage Assistant(string content) => new("assistant", content);

    private string Apply(bool addGenerationPrompt, bool enableThinking, params ChatMessage[] messages) =>
        fixture.Tokenizer.ApplyChatTemplate(messages, addGenerationPrompt, enableThinking);

    [Fact]
    public void Apply_OneUserMessage_EndsWithAssistantPrompt()
    {
        var prompt = Apply(true, true, User("What is 2+2?"));

        Assert.Equal("<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void Apply_ThinkingDisabled_AppendsEmptyThinkBlock()
    {
        var prompt = Apply(true, false, User("Hi"));

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", prompt);
    }

    [Fact]
    public void Apply_SystemThenUser_SystemComesFirst()
    {
        var prompt = Apply(true, true, new ChatMessage("system", "You are terse."), User("Hi"));

        Assert.Equal("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void Apply_EarlierAssistantTurn_DropsItsReasoning()
    {
        var prompt = Apply(true, true, User("q1"), Assistant("<think>\nr1\n</think>\n\na1"), User("q2"));

        Assert.Equal(
            "<|im_start|>user\nq1<|im_end|>\n<|im_start|>assistant\na1<|im_end|>\n<|im_start|>user\nq2<|im_end|>\n<|im_start|>assistant\n",
            prompt);
    }

    [Fact]
    public void Apply_FinalAssistantTurn_KeepsReasoning()
    {
        var prompt = Apply(false, true, User("q"), Assistant("<think>\nreason\n</think>\n\nanswer"));

        Assert.Equal("<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\nreason\n</think>\n\nanswer<|im_end|>\n", prompt);
    }

    [Fact]
    public void Apply_FinalAssistantWithoutThinkTags_GetsEmptyThinkBlock()
    {
        var prompt = Apply(false, true, User("q"), Assistant("answer"));

        Assert.Equal("<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nanswer<|im_end|>\n", prompt);
    }

    [Fact]
    public void Apply_ReasoningWithExtraNewlines_IsStrippedAsTheTemplateDoes()
    {
        var prompt = Apply(false, true, User("q"), Assistant("\n\n<think>\n\nstep1\n\n</think>\n\nfinal"));

        Assert.EndsWith("<|im_start|>assistant\n<think>\nstep1\n</think>\n\nfinal<|im_end|>\n", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_AssistantTurnsAfterLastQuery_KeepReasoningOnlyWhenPresentOrLast()
    {
        var prompt = Apply(false, true, User("q"), Assistant("a1"), Assistant("<think>r2</think>a2"));

        Assert.Equal(
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\na1<|im_end|>\n<|im_start|>assistant\n<think>\nr2\n</think>\n\na2<|im_end|>\n",
            prompt);
    }

    [Fact]
    public void Apply_ToolResponseUserMessage_IsNotTheLastQuery()
    {
        var prompt = Apply(false, true, User("q"), Assistant("<think>r</think>a"), User("<tool_response>x</tool_response>"));

        Assert.Equal(
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\nr\n</think>\n\na<|im_end|>\n"
            + "<|im_start|>user\n<tool_response>x</tool_response><|im_end|>\n",
            prompt);
    }

    [Fact]
    public void Apply_LaterSystemMessage_IsFormattedInPlace()
    {
        var prompt = Apply(false, true, User("q"), new ChatMessage("system", "be brief"));

        Assert.Equal("<|im_start|>user\nq<|im_end|>\n<|im_start|>system\nbe brief<|im_end|>\n", prompt);
    }

    [Fact]
    public void Encode_GenerationPromptWithoutThinking_EndsWithThinkIds()
    {
        var ids = fixture.Tokenizer.Encode(Apply(true, false, User("Hi")));

        Assert.Equal([151644, 872, 198, 13048, 151645, 198, 151644, 77091, 198, 151667, 271, 151668, 271], ids);
        Assert.Equal(fixture.OracleEncode(Apply(true, false, User("Hi"))), ids);
    }

    [Fact]
    public void Apply_NoMessages_Throws()
    {
        Assert.Throws<ArgumentException>(() => Apply(true, true));
    }

    [Fact]
    public void Apply_ToolMessage_IsNotSupported()
    {
        Assert.Throws<NotSupportedException>(() => Apply(true, true, User("q"), new ChatMessage("tool", "{}")));
    }

    [Fact]
    public void Apply_UnknownRole_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Apply(true, true, new ChatMessage("narrator", "x")));

        Assert.Contains("narrator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ConfigWithForeignTemplate_IsNotSupported()
    {
        var folder = TokenizerTestData.NewTempFolder("foreign-template");
        try
        {
            TokenizerFiles.Write(folder, TokenizerFiles.QwenStyle([]) with { ChatTemplate = "{% for m in messages %}{{ m.content }}{% endfor %}" });
            var tokenizer = QwenTokenizer.FromFolder(folder);

            Assert.Throws<NotSupportedException>(() => tokenizer.ApplyChatTemplate([User("q")]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
