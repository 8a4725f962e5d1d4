using Microsoft.Extensions.Configuration;

namespace Pipeline.Hosting;

/// <summary>Binds a configuration section to an options type and stops the service when it is invalid.</summary>
public static class OptionsBinding
{
    /// <summary>The section as <typeparamref name="T"/> (defaults when absent), checked by <paramref name="validate"/>.</summary>
    /// <exception cref="ServiceHostOptionsException">Every problem <paramref name="validate"/> found.</exception>
    public static T Bind<T>(IConfiguration configuration, string section, Func<T, IReadOnlyList<string>>? validate = null) where T : new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        return validate?.Invoke(options) is { Count: > 0 } errors ? throw new ServiceHostOptionsException(errors) : options;
    }
}
