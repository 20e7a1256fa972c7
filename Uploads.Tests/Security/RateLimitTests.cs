using System.Net;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Security;

/// <summary>
/// Thousands of requests in a burst: alone on the stack, so that the traces they leave do not push another test's trace
/// out of the dashboard (it keeps a bounded number of the newest, Dashboard:TelemetryLimits) while that test waits for it.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class RateLimitTests(UploadsStack stack)
{
    [Fact]
    public async Task A_burst_over_the_limit_gets_429_with_Retry_After_and_another_tenant_is_not_throttled()
    {
        var bursting = stack.ClientFor($"burst-{Guid.NewGuid():N}"[..20]);
        var calm = stack.ClientFor($"calm-{Guid.NewGuid():N}"[..20]);

        // Over the default bucket of 200 (refilled at 100/s): 1,000 requests at once, so that they arrive faster than it
        // refills however slowly this machine serves them (400 were not enough once, on a loaded machine).
        var responses = (await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ =>
            bursting.PostJsonAsync("/files/presigned-upload", new { filename = "burst.txt" })))).ToList();

        using var calmResponse = await calm.PostJsonAsync("/files/presigned-upload", new { filename = "calm.txt" });

        var throttled = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(throttled);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(throttled, r => Assert.True(int.Parse(r.Headers.GetValues("Retry-After").Single()) >= 1));
        Assert.Equal("RATE_LIMITED", (await Problems.ReadAsync(throttled[0])).Code);
        Assert.Equal(HttpStatusCode.Created, calmResponse.StatusCode);
        responses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Confirmations_are_limited_per_tenant()
    {
        var confirming = stack.ClientFor($"confirms-{Guid.NewGuid():N}"[..20]);

        // Over the default confirmation bucket of 200 (refilled at 100/s): 400 confirmations of an unknown file, at once.
        var responses = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => confirming.PostJsonAsync("/files/confirm-uploads",
            new { files = new[] { new { file_id = Guid.NewGuid(), file_size = 1 } } })));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);
    }

    [Fact]
    public async Task Reads_are_limited_per_tenant_too()
    {
        var reading = stack.ClientFor($"reads-{Guid.NewGuid():N}"[..20]);
        var calm = stack.ClientFor($"calm-{Guid.NewGuid():N}"[..20]);

        // Over the default read bucket of 400 (refilled at 200/s): rounds of 1,000 reads of files, listings and content at
        // once, until one is throttled (at most ten rounds): a machine busy with other tests may serve a round no faster
        // than the bucket refills.
        string[] paths = [$"/files/{Guid.NewGuid()}", "/files?limit=1", $"/files/{Guid.NewGuid()}/content", $"/files/{Guid.NewGuid()}/multipart-upload"];
        var statuses = new List<HttpStatusCode>();
        for (var round = 0; round < 10 && !statuses.Contains(HttpStatusCode.TooManyRequests); round++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => reading.Http.GetAsync(paths[i % paths.Length])));
            statuses.AddRange(responses.Select(r => r.StatusCode));
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        using var calmResponse = await calm.Http.GetAsync("/files?limit=1");

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.NotFound, statuses);
        Assert.Equal(HttpStatusCode.OK, calmResponse.StatusCode);
    }
}
