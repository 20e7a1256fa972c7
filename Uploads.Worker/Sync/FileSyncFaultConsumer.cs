using MassTransit;
using Uploads.Domain.Contracts;

namespace Uploads.Worker.Sync;

/// <summary>
/// MassTransit publishes <c>Fault&lt;FileUploaded&gt;</c> when a delivery exhausted its retries and went to the error
/// queue. RabbitMQ here has no delayed-message plugin, so the next delivery is scheduled in the database instead:
/// the file waits, and the reconciler delivers it again — until the last delivery, which leaves it FAILED.
/// </summary>
public sealed class FileSyncFaultConsumer(FileSynchronizer synchronizer) : IConsumer<Fault<FileUploaded>>
{
    public Task Consume(ConsumeContext<Fault<FileUploaded>> context)
    {
        var fault = context.Message;
        var exception = fault.Exceptions.FirstOrDefault();
        var summary = exception is null ? "unknown fault" : $"{exception.ExceptionType}: {exception.Message}";
        return synchronizer.HandleFailedDeliveryAsync(fault.Message.FileId, summary, context.CancellationToken);
    }
}

public sealed class FileSyncFaultConsumerDefinition : ConsumerDefinition<FileSyncFaultConsumer>
{
    public FileSyncFaultConsumerDefinition() => EndpointName = "file-sync-faults";

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<FileSyncFaultConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(
            10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1)));
}
