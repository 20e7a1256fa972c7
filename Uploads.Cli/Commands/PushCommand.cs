using System.CommandLine;

namespace Uploads.Cli.Commands;

public static class PushCommand
{
    public static Command Create()
    {
        var folder = new FolderOptions();
        var json = new Option<bool>("--json") { Description = "Print a machine-readable summary, and no progress." };
        var command = new Command("push", "Upload a folder's files as one batch, resuming where an earlier push stopped, and follow them until they are SYNCED.")
        {
            json,
        };
        folder.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandLine.RunAsync(async () =>
        {
            var push = folder.Open(parse);
            var quiet = parse.GetValue(json);
            var summary = await push.PushAsync(null, quiet, cancellationToken);
            if (quiet)
            {
                summary.WriteJson();
            }
            else
            {
                summary.Write();
            }

            return summary.Failures.Count == 0 ? CommandLine.Succeeded : CommandLine.FilesFailed;
        }));
        return command;
    }
}
