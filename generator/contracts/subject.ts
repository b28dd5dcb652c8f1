import type { SubjectNameStrategy } from './model.js';

/** The registry subject of an event's value schema under a Confluent subject name strategy. */
export function subjectName(strategy: SubjectNameStrategy, topic: string, eventType: string): string {
  switch (strategy) {
    case 'TopicRecordNameStrategy':
      return `${topic}-${eventType}`;
    case 'TopicNameStrategy':
      return `${topic}-value`;
    case 'RecordNameStrategy':
      return eventType;
  }
}
