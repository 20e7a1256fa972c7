using System.CommandLine;
using Uploads.Cli.Configuration;
using Uploads.Cli.Pushing;

namespace Uploads.Cli.Commands;

/// <summary>The folder, its patterns, the batch and the parallelism: what <c>push</c> and <c>watch</c> both take.</summary>
public sealed class FolderOptions
{
    readonly Argument<string> folder = new("DIR") { Description = "The folder to push." };
    readonly Option<string[]> patterns = new("--pattern", "-p") { Description = "A glob of the files to push, relative to DIR (e.g. **/*.jpg); repeat for more. Default: every file." };
    readonly Option<int> parallel = new("--parallel") { Description = "Transfers at once (files and parts).", DefaultValueFactory = _ => 4 };
    readonly Option<string?> batch = new("--batch") { Description = "The batch's name; pushing to the same name continues it. Default: the folder's name and a digest of its path." };

    public void AddTo(Command command)
    {
        command.Arguments.Add(folder);
        command.Options.Add(patterns);
        command.Options.Add(parallel);
        command.Options.Add(batch);
    }

    public FolderPush Open(ParseResult parse)
    {
        var transfers = parse.GetValue(parallel);
        if (transfers is < 1 or > 64)
        {
            throw new UsageException("--parallel is between 1 and 64.");
        }

        return new FolderPush(CommandLine.Settings(parse), new LocalFolder(parse.GetValue(folder)!, parse.GetValue(patterns) ?? []), parse.GetValue(batch), transfers);
    }
}
