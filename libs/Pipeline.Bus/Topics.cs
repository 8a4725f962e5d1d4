using Google.Protobuf;
using Pipeline.Contracts.V1;

namespace Pipeline.Bus;

/// <summary>A topic and the protobuf type of its payload.</summary>
public sealed record Topic<T>(string Name, MessageParser<T> Parser) where T : IMessage<T>;

/// <summary>The topics of one experiment (DESIGN.md, "Messages and topics").</summary>
public static class Topics
{
    public static Topic<RolloutRequest> Prompts { get; } = new("prompts", RolloutRequest.Parser);
    public static Topic<RolloutGroup> Rollouts { get; } = new("rollouts", RolloutGroup.Parser);
    public static Topic<ScoredGroup> Scored { get; } = new("scored", ScoredGroup.Parser);
    public static Topic<PolicyVersion> Policy { get; } = new("policy", PolicyVersion.Parser);
    public static Topic<EvalResult> Eval { get; } = new("eval", EvalResult.Parser);
    public static Topic<DeadLetter> DeadLetters { get; } = new("dlq", DeadLetter.Parser);

    /// <summary>The cluster-wide name: <c>&lt;namespace&gt;.&lt;experiment&gt;.&lt;topic&gt;</c>.</summary>
    public static string Qualified(string @namespace, string experiment, string topic) => $"{@namespace}.{experiment}.{topic}";
}
