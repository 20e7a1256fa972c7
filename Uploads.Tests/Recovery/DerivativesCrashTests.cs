using NetVips;
using Uploads.Api.Reads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

/// <summary>Workers killed while making a picture's thumbnails, on the stack of the fault tests.</summary>
[Collection(ExclusiveCollection.Name)]
public sealed class DerivativesCrashTests(UploadsStack stack)
{
    [Fact]
    public async Task Workers_killed_while_making_thumbnails_come_back_and_the_derivatives_end_ready_once()
    {
        // 81 megapixels of PNG (no shrink-on-load), read over a slowed storage link (each 64 KiB chunk 50 ms late): the
        // step is still MAKING when the kill lands (once, on a quiet machine, decoding alone finished first).
        var picture = TestPictures.GradientPng(9000, 9000, seed: Random.Shared.Next());
        stack.StorageProxy.Delay(TimeSpan.FromMilliseconds(50));
        Guid fileId;
        var killed = false;
        try
        {
            fileId = await stack.Client.UploadAndConfirmAsync(picture, "large.png");
            await Eventually.TrueAsync(
                async () => await stack.CountAsync("SELECT count(*) FROM files WHERE id = @id AND derivatives_status = 'MAKING'", ("id", fileId)) == 1,
                "a worker to take the derivatives", UploadsClient.DerivativesTimeout);
            await stack.KillAsync(stack.Resources.Workers);
            killed = true;

            Assert.Equal(1, await stack.CountAsync("SELECT count(*) FROM files WHERE id = @id AND derivatives_status = 'MAKING'", ("id", fileId)));
        }
        finally
        {
            // Whatever was asserted, the stack is handed on whole: the tests after this one need their workers.
            stack.StorageProxy.Set(FaultMode.Pass);
            if (killed)
            {
                await stack.StartAsync(stack.Resources.Workers);
            }
        }

        var file = await stack.Client.WaitForDerivativesAsync(fileId);
        Assert.Equal(new DerivativesView("ready", null), file.Derivatives);
        Assert.Equal((9000, 9000), (file.Metadata!.Width, file.Metadata.Height));
        Assert.Equal(1, await stack.CountAsync(
            "SELECT count(*) FROM derivatives_transitions WHERE file_id = @id AND status = 'READY'", ("id", fileId)));
        Assert.Equal(1, await stack.CountAsync(
            "SELECT count(*) FROM derivatives_transitions WHERE file_id = @id AND status = 'MAKING' AND reason = 'taken back after its lease ran out'", ("id", fileId)));
        Assert.Equal([200, 800], file.Thumbnails.Select(t => t.Size));
        foreach (var link in file.Thumbnails)
        {
            using var thumbnail = Image.NewFromBuffer(await stack.Client.Http.GetByteArrayAsync(link.Url));
            Assert.Equal((link.Size, link.Size), (thumbnail.Width, thumbnail.Height));
        }
    }
}
