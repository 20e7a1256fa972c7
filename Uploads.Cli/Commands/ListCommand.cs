using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Uploads.Cli.Api;

namespace Uploads.Cli.Commands;

public static class ListCommand
{
    public static Command Create()
    {
        var batch = new Option<Guid?>("--batch") { Description = "List this batch's files instead of the batches." };
        var json = new Option<bool>("--json") { Description = "Print JSON lines, one per batch or file." };
        var command = new Command("ls", "List your batches, newest first, or the files of one batch.") { batch, json };
        command.SetAction((parse, cancellationToken) => CommandLine.RunAsync(async () =>
        {
            using var api = new UploadsClient(CommandLine.Settings(parse));
            var asJson = parse.GetValue(json);
            if (parse.GetValue(batch) is { } batchId)
            {
                var files = new List<string[]>();
                string? cursor = null;
                do
                {
                    var page = await api.ListFilesAsync(batchId, null, cursor, cancellationToken);
                    foreach (var file in page.Files)
                    {
                        Print(asJson, file, files,
                            [file.FileId.ToString(), file.ExternalId ?? file.Filename, file.Size?.ToString() ?? "", file.Status, file.FailureReason ?? ""]);
                    }

                    cursor = page.NextCursor;
                }
                while (cursor is not null);

                Write(asJson, ["file id", "external id", "size", "status", "reason"], files);
                return CommandLine.Succeeded;
            }

            var batches = new List<string[]>();
            string? next = null;
            do
            {
                var page = await api.ListBatchesAsync(next, cancellationToken);
                foreach (var view in page.Batches)
                {
                    Print(asJson, view, batches,
                        [view.BatchId.ToString(), view.ExternalId ?? "", view.TotalFiles.ToString(), view.Synced.ToString(), view.Failed.ToString(),
                            view.Progress.ToString("P0"), view.Status, view.CreatedAt.ToString("u")]);
                }

                next = page.NextCursor;
            }
            while (next is not null);

            Write(asJson, ["batch id", "name", "files", "synced", "failed", "progress", "status", "created"], batches);
            return CommandLine.Succeeded;
        }));
        return command;
    }

    static void Print<T>(bool asJson, T item, List<string[]> rows, string[] row)
    {
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(item, UploadsClient.Json));
        }
        else
        {
            rows.Add(row);
        }
    }

    /// <summary>A table in a terminal; tab-separated lines, header first, for a pipe or a file (never cut to a width).</summary>
    static void Write(bool asJson, string[] header, List<string[]> rows)
    {
        if (asJson)
        {
            return;
        }

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            foreach (var row in rows.Prepend(header))
            {
                Console.WriteLine(string.Join('\t', row.Select(cell => cell.ReplaceLineEndings(" ").Replace('\t', ' '))));
            }

            return;
        }

        var table = new Table().AddColumns(header);
        foreach (var row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        AnsiConsole.Write(table);
    }
}
