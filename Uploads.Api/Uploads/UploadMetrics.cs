using System.Diagnostics.Metrics;

namespace Uploads.Api.Uploads;

/// <summary>What the API hands out and takes back: presigned URLs issued, and confirmations by result.</summary>
public sealed class UploadMetrics
{
    public const string MeterName = "Uploads.Api";
    readonly Counter<long> presignedUrls;
    readonly Counter<long> confirmations;
    readonly Counter<long> missingObjectRetries;

    public UploadMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        presignedUrls = meter.CreateCounter<long>(
            "uploads.presigned_urls.issued", unit: "{url}", description: "Presigned upload URLs issued: POST forms and multipart part URLs.");
        confirmations = meter.CreateCounter<long>(
            "uploads.confirmations", unit: "{file}", description: "Files confirmed, by result: uploaded, or the code that rejected them.");
        missingObjectRetries = meter.CreateCounter<long>(
            "uploads.confirmations.missing_object_retries", unit: "{request}",
            description: "Storage asked again for an object it did not show at a confirmation, by whether it showed it then.");
    }

    public void PresignedPost() => presignedUrls.Add(1, new KeyValuePair<string, object?>("uploads.url.kind", "post"));

    public void PresignedPut() => presignedUrls.Add(1, new KeyValuePair<string, object?>("uploads.url.kind", "put"));

    public void PresignedParts(int count) => presignedUrls.Add(count, new KeyValuePair<string, object?>("uploads.url.kind", "part"));

    /// <param name="result">What the confirmation answered for the file.</param>
    /// <param name="newlyUploaded">Whether this confirmation moved the file to UPLOADED (else it was confirmed before).</param>
    public void Confirmed(ConfirmationResult result, bool newlyUploaded) =>
        confirmations.Add(1, new KeyValuePair<string, object?>(
            "uploads.confirmation.result", result.Error?.Code ?? (newlyUploaded ? "UPLOADED" : "ALREADY_CONFIRMED")));

    public void MissingObjectAskedAgain(bool found) =>
        missingObjectRetries.Add(1, new KeyValuePair<string, object?>("uploads.object.found", found));
}
