// One request's state during generation: what it has produced and whether it is done. Stop rules, in order: an EOS
// id; a stop string in the decoded generated text (prompt excluded, as HF's StopStringCriteria); the request's own
// MaxNewTokens. An EOS on the last allowed token is a Stop: the model did end there.
namespace Pipeline.Model.Generation;

internal sealed class RequestProgress(GenerationRequest request, GenerationOptions options, ulong stream)
{
    private readonly List<int> _tokens = [];
    private readonly List<float> _logProbs = [];
    private readonly List<float> _rawLogProbs = [];

    public GenerationRequest Request { get; } = request;

    /// <summary>Which sequence of uniforms this request's draws use (see CounterUniforms).</summary>
    public ulong Stream { get; } = stream;

    public FinishReason? Finish { get; private set; } = request.MaxNewTokens == 0 ? FinishReason.Length : null;

    public int Generated => _tokens.Count;

    /// <summary>Rotary position of the newest token: one past the prompt's last, counting generated tokens.</summary>
    public long NextInputPosition => Request.PromptIds.Count + _tokens.Count - 1;

    /// <summary>Records a sampled token; returns true when this request is now finished.</summary>
    public bool Add(int token, float logProb, float rawLogProb)
    {
        _tokens.Add(token);
        _logProbs.Add(logProb);
        _rawLogProbs.Add(rawLogProb);
        if (options.EosTokenIds.Contains(token) || HitsStopString()) Finish = FinishReason.Stop;
        else if (_tokens.Count >= Request.MaxNewTokens) Finish = FinishReason.Length;
        return Finish is not null;
    }

    public GenerationResult ToResult() =>
        new([.. _tokens], [.. _logProbs], [.. _rawLogProbs], Finish ?? FinishReason.Length, options.Decode?.Invoke(_tokens));

    /// <summary>
    /// Checked after every token, so only a match completed by the newest token is new: decoding a tail window is
    /// enough and keeps long generations linear. The window allows 4 tokens per character of the longest stop string
    /// (byte-level BPE can split one character over up to 4 byte tokens) plus slack for a partial first character.
    /// </summary>
    private bool HitsStopString()
    {
        if (options.StopStrings.Count == 0) return false;
        var window = 4 * options.StopStrings.Max(s => s.Length) + 8;
        var tail = _tokens.Count <= window ? _tokens : _tokens.GetRange(_tokens.Count - window, window);
        var text = options.Decode!(tail);
        return options.StopStrings.Any(stop => text.Contains(stop, StringComparison.Ordinal));
    }
}
