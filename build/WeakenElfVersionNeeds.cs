// MSBuild task (compiled by RoslynCodeTaskFactory, see LibTorchSharp.targets): marks chosen symbol-version
// requirements of an ELF shared library as weak (VER_FLG_WEAK in .gnu.version_r), so the dynamic loader accepts a
// system library that lacks that version.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so was linked against GCC 13 and asks for GLIBCXX_3.4.32; Debian 12
// ships libstdc++ up to GLIBCXX_3.4.30. The only symbol it takes from 3.4.32 is an iostream-init marker with no
// relocation bound to it, so a weak requirement is safe, and TorchSharp otherwise fails with a misleading
// "no reference to libtorch" error. No ELF-editing library is on NuGet for net10 (patchelf cannot set this flag),
// so this parses the few ELF64 structures it needs by hand.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionNeeds : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>The .so files to patch in place (missing files are skipped).</summary>
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Version names to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Required] public string[] Versions { get; set; } = Array.Empty<string>();

    /// <summary>The system library whose version list decides whether a patch is needed at all.</summary>
    [Required] public string SystemLibrary { get; set; } = "";

    public override bool Execute()
    {
        var missing = Versions.Where(v => !SystemProvides(v)).ToArray();
        if (missing.Length == 0) return true;
        foreach (var library in Libraries.Select(i => i.ItemSpec).Where(File.Exists))
        {
            var bytes = File.ReadAllBytes(library);
            var changed = Weaken(bytes, missing);
            if (changed > 0)
            {
                File.WriteAllBytes(library, bytes);
                Log.LogMessage(MessageImportance.High,
                    $"{library}: marked {string.Join(", ", missing)} weak (not in {SystemLibrary})");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private bool SystemProvides(string version)
    {
        if (!File.Exists(SystemLibrary)) return true; // not a glibc Linux system we know: leave the library alone
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        var haystack = File.ReadAllBytes(SystemLibrary);
        return IndexOf(haystack, needle) >= 0;
    }

    // Walks .gnu.version_r (Elf64_Verneed entries, each with Elf64_Vernaux entries) and sets VER_FLG_WEAK on
    // every auxiliary entry whose name is in `versions`. Returns how many entries it changed.
    private int Weaken(byte[] elf, string[] versions)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogWarning("not a little-endian ELF64 file; left unchanged");
            return 0;
        }
        var sectionTable = (long)U64(elf, 0x28);
        int entrySize = U16(elf, 0x3A), count = U16(elf, 0x3C);
        var changed = 0;
        for (var i = 0; i < count; i++)
        {
            var header = sectionTable + i * entrySize;
            if (U32(elf, header + 4) != ShtGnuVerneed) continue;
            var offset = (long)U64(elf, header + 0x18);
            var stringTable = (long)U64(elf, sectionTable + U32(elf, header + 0x28) * entrySize + 0x18);
            var needCount = U32(elf, header + 0x2C);
            for (uint n = 0; n < needCount; n++)
            {
                var auxCount = U16(elf, offset + 2);
                var aux = offset + U32(elf, offset + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = CString(elf, stringTable + U32(elf, aux + 8));
                    var flags = U16(elf, aux + 4);
                    if (versions.Contains(name) && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                        changed++;
                    }
                    aux += U32(elf, aux + 12);
                }
                offset += U32(elf, offset + 12);
            }
        }
        return changed;
    }

    private static ushort U16(byte[] b, long at) => BitConverter.ToUInt16(b, (int)at);
    private static uint U32(byte[] b, long at) => BitConverter.ToUInt32(b, (int)at);
    private static ulong U64(byte[] b, long at) => BitConverter.ToUInt64(b, (int)at);

    private static string CString(byte[] b, long at)
    {
        var end = Array.IndexOf(b, (byte)0, (int)at);
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
