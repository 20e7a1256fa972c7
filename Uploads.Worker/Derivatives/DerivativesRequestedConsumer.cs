using MassTransit;
using Microsoft.Extensions.Options;
using Uploads.Domain.Contracts;
using Uploads.Infrastructure.Messaging;

namespace Uploads.Worker.Derivatives;

public sealed class DerivativesRequestedConsumer(DerivativesMaker maker) : IConsumer<DerivativesRequested>
{
    public Task Consume(ConsumeContext<DerivativesRequested> context) =>
        maker.MakeAsync(context.Message.FileId, context.CancellationToken);
}

public sealed class DerivativesRequestedConsumerDefinition : ConsumerDefinition<DerivativesRequestedConsumer>
{
    readonly DerivativesOptions options;

    public DerivativesRequestedConsumerDefinition(IOptions<DerivativesOptions> options)
    {
        this.options = options.Value;
        EndpointName = Queues.FileDerivatives;
        ConcurrentMessageLimit = this.options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DerivativesRequestedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Exceptions here are transient (storage, database); a picture that cannot be read settles as FAILED without
        // throwing. A delivery whose retries run out is left to the reconciler, which republishes overdue derivatives.
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(
            options.RetriesInPlace, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500)));
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = options.ConcurrentMessageLimit * 2;
        }
    }
}
