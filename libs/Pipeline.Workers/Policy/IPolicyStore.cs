using Pipeline.Contracts.V1;
using Pipeline.Model.Qwen3;

namespace Pipeline.Workers.Policy;

/// <summary>
/// How policy weights travel from the learner to the rollout and evaluation workers. The learner publishes a
/// version and announces it on the <c>policy</c> topic; a consumer loads the announced version into its own copy of
/// the model, so generation never sees weights change under it (a group is never produced by two versions).
/// </summary>
public interface IPolicyStore
{
    /// <summary>Stores the current weights of <paramref name="model"/> as <paramref name="version"/>; returns the announcement.</summary>
    PolicyVersion Publish(Qwen3ForCausalLM model, string experiment, long version, int step);

    /// <summary>Copies the weights of an announced version into <paramref name="target"/>.</summary>
    /// <exception cref="InvalidDataException">The version is unknown, gone, or fails its checksum.</exception>
    void LoadInto(PolicyVersion version, Qwen3ForCausalLM target);
}
