using Npgsql;
using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>Runs PostgreSQL 15 from Debian's package: initdb on first start, then the server, as the <c>postgres</c> user when root.</summary>
public sealed class PostgresServerRunner(PostgresServerResource postgres, OrchestrationContext context) : ProcessRunner(postgres, context)
{
    const string ServiceUser = "postgres";
    const string BinDirectory = "/usr/lib/postgresql/15/bin";

    // SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for clients to leave.
    protected override int StopSignal => Posix.SIGINT;

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = await PrepareDataDirectoryAsync();
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(dataDirectory, cancellationToken);
        }

        var (fileName, arguments) = RunAs.User(ServiceUser, Path.Combine(BinDirectory, "postgres"),
        [
            "-D", dataDirectory, "-p", postgres.Port.ToString(), "-k", "", "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
        ]);
        StartProcess(fileName, arguments);
        await WaitUntilAsync(CanQueryAsync, cancellationToken);
    }

    async Task<string> PrepareDataDirectoryAsync()
    {
        var home = Context.DataDirectory(Name);
        Directory.CreateDirectory(home);
        if (Posix.IsRoot && !RunAs.CanTraverse(home))
        {
            throw new InvalidOperationException(
                $"PostgreSQL runs as the '{ServiceUser}' user, which cannot reach {home}. Give the state directory a path it can reach (--state-dir), or allow traversal of its parent folders.");
        }

        await RunAs.ChownAsync(ServiceUser, home);
        return Path.Combine(home, "data");
    }

    async Task InitializeAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var (fileName, arguments) = RunAs.User(ServiceUser, Path.Combine(BinDirectory, "initdb"),
            ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
        await using var initdb = ManagedProcess.Start(fileName, arguments, new Dictionary<string, string?>(), Context.LogPath(Name), onLine: ConsoleLog.Append);
        var exitCode = await initdb.Exited.WaitAsync(cancellationToken);
        if (exitCode != 0)
        {
            throw new ResourceStartException($"initdb for {Name} failed with code {exitCode}.", initdb.Tail());
        }
    }

    async Task<bool> CanQueryAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection($"{postgres.ConnectionString};Database=postgres;Pooling=false;Timeout=2");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}
