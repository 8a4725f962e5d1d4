using Pipeline.Hosting;
using Pipeline.Services.Controller;
using Pipeline.Services.Controller.Crd;

// `pipeline-controller crd` prints the Experiment CRD (make crd); anything else runs the controller.
if (args is ["crd", ..])
{
    Console.Write(CrdGenerator.Yaml());
    return 0;
}
return await ServiceMain.RunAsync("controller", args, a => ControllerHost.StartAsync(a)).ConfigureAwait(false);
