using System.CommandLine;
using Spectre.Console;
using Uploads.Cli.Commands;

if (Console.IsOutputRedirected)
{
    // A file or a pipe has no width: lines are not wrapped at 80 columns.
    AnsiConsole.Profile.Width = 4096;
}

var root = new RootCommand("uploads: push folders to the Uploads service as batches, watch them, list and fetch files.")
{
    CommandLine.Api,
    CommandLine.Token,
};
root.Subcommands.Add(PushCommand.Create());
root.Subcommands.Add(WatchCommand.Create());
root.Subcommands.Add(ListCommand.Create());
root.Subcommands.Add(GetCommand.Create());
root.Subcommands.Add(LoginCommand.Create());
return await root.Parse(args).InvokeAsync();
