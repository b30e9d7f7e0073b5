import { Module } from '@nestjs/common';
import { ClockNowTool, WordCountTool } from './demo.tools';
import { EchoAgent } from './echo.agent';
import { LlmAgent } from './llm.agent';

/** The agents and tools that ship with Parley; an app adds its own the same way, in its own module. */
@Module({
  providers: [EchoAgent, LlmAgent, ClockNowTool, WordCountTool],
})
export class BuiltInAgentsModule {}
