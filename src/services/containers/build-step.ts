import type { ContainerRecord } from '../../core/containers.js';

/** The label the builder puts on its RUN step containers: none outlives the build (or a crash of it, see supervisor/reconcile.ts). */
export const BUILD_STEP_LABEL = 'com.berth.build.step';

export const isBuildStep = (rec: Pick<ContainerRecord, 'Config'>): boolean => rec.Config.Labels?.[BUILD_STEP_LABEL] !== undefined;
