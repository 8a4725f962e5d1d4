using System.Diagnostics;

namespace Pipeline.Services.Tests;

/// <summary>The reward service as a process: what an operator sees when the spec is wrong.</summary>
public sealed class RewardProcessTests
{
    [Fact]
    public async Task InvalidSpec_ExitsNonZero_ListingTheErrors_BeforeListening()
    {
        var spec = Path.Combine(Path.GetTempPath(), $"reward-invalid-{Guid.NewGuid():N}.yaml");
        var quickstart = await File.ReadAllTextAsync(RepoPaths.InRepo("examples/quickstart.yaml"));
        await File.WriteAllTextAsync(spec, quickstart.Replace("groupSize: 8", "groupSize: 0", StringComparison.Ordinal));
        try
        {
            // The referenced service's build output sits beside the tests.
            var dll = Path.Combine(AppContext.BaseDirectory, "pipeline-reward.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { dll, "--spec", spec, "--Service:GrpcPort=0", "--Service:MetricsPort=0" })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // It started serving instead of failing: stop the process this test started.
                process.Kill();
                throw;
            }

            Assert.Equal(2, process.ExitCode);
            Assert.Contains("groupSize", await stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("listening", await stdout, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(spec);
        }
    }
}
