namespace Pipeline.Hosting;

/// <summary>Turns what a user can get wrong while a service loads its inputs into a <see cref="StartupException"/>.</summary>
public static class ServiceStartup
{
    /// <summary>Runs <paramref name="load"/>; a missing or unreadable file, or bad data, stops the service with its message.</summary>
    public static T Load<T>(string service, Func<T> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw new StartupException($"{service}: {e.Message}", e);
        }
    }
}
