// `jett doctor --json`: one entry per check with its verdict and the fix to apply.
import { z } from 'zod';

export const CheckStatusSchema = z.enum(['ok', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const DoctorCheckSchema = z.object({
  name: z.string(),
  status: CheckStatusSchema,
  detail: z.string(),
  fix: z.string().nullable(),
});
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;

export const DoctorReportSchema = z.object({ checks: z.array(DoctorCheckSchema) });
export type DoctorReport = z.infer<typeof DoctorReportSchema>;

/** The checks doctor always reports, in order; later issues append theirs. */
export const DOCTOR_CHECK_NAMES = [
  'config',
  'secret-store',
  'wireguard',
  'sox',
  'ollama',
  'onnxruntime',
  'models',
  'execution-provider',
  'tunnel-config',
  'tunnel-route',
  'postgres',
  'heartbeat-webhook',
  'hands-free',
] as const;
