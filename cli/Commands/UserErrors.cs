using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Model.Checkpoints;

namespace Pipeline.Cli.Commands;

/// <summary>
/// Errors a user can cause and fix (a missing folder, a corrupt checkpoint, a bad dataset row): printed as one
/// line naming what is wrong. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static class UserErrors
{
    public static bool IsUserError(Exception e) => e is FileNotFoundException or DirectoryNotFoundException
        or InvalidDataException or NotSupportedException or DatasetException or SpecException
        or CheckpointMismatchException or UnauthorizedAccessException;
}
