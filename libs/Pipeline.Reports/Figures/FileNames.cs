using System.Text;

namespace Pipeline.Reports.Figures;

/// <summary>Dataset names as parts of PNG file names: letters, digits, '.', '_' and '-' kept, anything else '-'.</summary>
internal static class FileNames
{
    public static string Safe(string name)
    {
        var safe = new StringBuilder(name.Length);
        foreach (var c in name) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        return safe.Length == 0 ? "set" : safe.ToString();
    }
}
