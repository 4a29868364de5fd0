/** Names used when the model speaks RocketMQ (one topic, one group, one revive queue). */
export const TOPIC = 'TopicTest';
export const GROUP = 'GID_POP';
export const RETRY_TOPIC = `%RETRY%${GROUP}_${TOPIC}`;
export const REVIVE_TOPIC = 'rmq_sys_REVIVE_LOG_DefaultCluster';
export const REVIVE_QUEUE_ID = 0;
