using System.CommandLine;
using Uploads.Cli.Watching;

namespace Uploads.Cli.Commands;

public static class WatchCommand
{
    public static Command Create()
    {
        var folder = new FolderOptions();
        var stableFor = CommandLine.DurationOption("--stable-for", TimeSpan.FromSeconds(5), "How long a file's size and modification time must stay the same before it is pushed.");
        var rescan = CommandLine.DurationOption("--rescan", TimeSpan.FromSeconds(30), "How often the whole folder is looked at again, for changes the file-system events missed.");
        var command = new Command("watch", "Push a folder, then keep pushing new and changed files once they are stable, until Ctrl+C.")
        {
            stableFor, rescan,
        };
        folder.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandLine.RunAsync(async () =>
        {
            var watcher = new FolderWatcher(folder.Open(parse), parse.GetValue(stableFor), parse.GetValue(rescan), TimeProvider.System);
            try
            {
                await watcher.RunAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            return CommandLine.Succeeded;
        }));
        return command;
    }
}
