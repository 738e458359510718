// Requests to write to someone who is not in the list or cannot be reached through it.
import type { SpecificRequest, SpecificRequestStatus } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";

export type { SpecificRequest, SpecificRequestStatus };

export interface NewSpecificRequest {
  writerId: number;
  fullName: string;
  birthYear: number;
  facility: string | null;
}

export function createSpecificRequest(db: Db, input: NewSpecificRequest): Promise<SpecificRequest> {
  return db.specificRequest.create({
    data: {
      writerId: input.writerId,
      fullName: input.fullName,
      birthYear: input.birthYear,
      facility: input.facility,
    },
  });
}

/** The request if it belongs to this writer (callback data can be forged). */
export function findWriterSpecificRequest(db: Db, writerId: number, requestId: number): Promise<SpecificRequest | null> {
  return db.specificRequest.findFirst({ where: { id: requestId, writerId } });
}

/** Whether a letter was already written on this request (one letter per request). */
export async function specificRequestHasLetter(db: Db, requestId: number): Promise<boolean> {
  return (await db.letter.count({ where: { specificRequestId: requestId } })) > 0;
}

export function listWriterSpecificRequests(db: Db, writerId: number, take = 10): Promise<SpecificRequest[]> {
  return db.specificRequest.findMany({ where: { writerId }, orderBy: { createdAt: "desc" }, take });
}
