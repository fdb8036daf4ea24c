package dev.cgroupns.nri.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.cgroupns.nri.ttrpc.proto.Status;

/**
 * The status of a ttrpc response. Its codes are gRPC's. On the wire it is a google.rpc.Status;
 * ttrpc's module declares only its code (field 1), so the human-readable message (field 2) is read
 * and written here as an unknown field.
 */
public final class RpcStatus {

  public static final int OK = 0;
  public static final int CANCELLED = 1;
  public static final int UNKNOWN = 2;
  public static final int INVALID_ARGUMENT = 3;
  public static final int DEADLINE_EXCEEDED = 4;
  public static final int NOT_FOUND = 5;
  public static final int RESOURCE_EXHAUSTED = 8;
  public static final int FAILED_PRECONDITION = 9;
  public static final int UNIMPLEMENTED = 12;
  public static final int INTERNAL = 13;
  public static final int UNAVAILABLE = 14;

  private static final int MESSAGE_FIELD = 2;

  private RpcStatus() {}

  public static Status of(int code, String message) {
    Status.Builder status = Status.newBuilder().setCode(code);
    if (!message.isEmpty()) {
      status.setUnknownFields(
          UnknownFieldSet.newBuilder()
              .addField(
                  MESSAGE_FIELD,
                  UnknownFieldSet.Field.newBuilder()
                      .addLengthDelimited(ByteString.copyFromUtf8(message))
                      .build())
              .build());
    }
    return status.build();
  }

  public static String message(Status status) {
    UnknownFieldSet fields = status.getUnknownFields();
    if (!fields.hasField(MESSAGE_FIELD)) {
      return "";
    }
    var values = fields.getField(MESSAGE_FIELD).getLengthDelimitedList();
    return values.isEmpty() ? "" : values.get(values.size() - 1).toStringUtf8();
  }

  static String name(int code) {
    return switch (code) {
      case OK -> "OK";
      case CANCELLED -> "Canceled";
      case UNKNOWN -> "Unknown";
      case INVALID_ARGUMENT -> "InvalidArgument";
      case DEADLINE_EXCEEDED -> "DeadlineExceeded";
      case NOT_FOUND -> "NotFound";
      case RESOURCE_EXHAUSTED -> "ResourceExhausted";
      case FAILED_PRECONDITION -> "FailedPrecondition";
      case UNIMPLEMENTED -> "Unimplemented";
      case INTERNAL -> "Internal";
      case UNAVAILABLE -> "Unavailable";
      default -> "code " + code;
    };
  }
}
