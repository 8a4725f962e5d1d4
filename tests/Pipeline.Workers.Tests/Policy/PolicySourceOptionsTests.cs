using Pipeline.Workers.Policy;

namespace Pipeline.Workers.Tests.Policy;

public sealed class PolicySourceOptionsTests
{
    [Fact]
    public void Validate_StreamWithoutAddress_NamesBothSettings()
    {
        var error = Assert.Single(new PolicySourceOptions { Stream = true }.Validate());
        Assert.Equal("Policy:Stream: needs Policy:LearnerAddress (where to stream from)", error);
    }

    [Fact]
    public void Validate_AddressThatIsNotHttp_IsRejected()
    {
        var error = Assert.Single(new PolicySourceOptions { LearnerAddress = "learner:5062" }.Validate());
        Assert.Contains("Policy:LearnerAddress: 'learner:5062'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DefaultsAndAStreamingSetup_AreValid()
    {
        Assert.Empty(new PolicySourceOptions().Validate());
        Assert.Empty(new PolicySourceOptions { LearnerAddress = "http://learner:5062", Stream = true }.Validate());
    }
}
