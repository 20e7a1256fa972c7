using MassTransit;
using Microsoft.Extensions.Options;
using Uploads.Domain.Contracts;
using Uploads.Infrastructure.Messaging;

namespace Uploads.Worker.Sync;

public sealed class FileUploadedConsumer(FileSynchronizer synchronizer) : IConsumer<FileUploaded>
{
    public Task Consume(ConsumeContext<FileUploaded> context) =>
        synchronizer.SyncAsync(context.Message.FileId, context.CancellationToken);
}

public sealed class FileUploadedConsumerDefinition : ConsumerDefinition<FileUploadedConsumer>
{
    readonly SyncOptions options;

    public FileUploadedConsumerDefinition(IOptions<SyncOptions> options)
    {
        this.options = options.Value;
        EndpointName = Queues.FileSync;
        ConcurrentMessageLimit = this.options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<FileUploadedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Exceptions here are transient (storage, database, broker); permanent faults settle the file as FAILED without throwing.
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(
            options.RetriesInPlace, TimeSpan.FromMilliseconds(200), options.RetryMaxInterval, TimeSpan.FromMilliseconds(500)));
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = options.ConcurrentMessageLimit * 2;
        }
    }
}
