using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>Reads a set of named tensors; on failure disposes what was already read, so nothing leaks.</summary>
internal static class TensorDictionary
{
    public static Dictionary<string, torch.Tensor> ReadAll(IEnumerable<string> names, Func<string, torch.Tensor> read)
    {
        var tensors = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var name in names) tensors[name] = read(name);
            return tensors;
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
    }
}
